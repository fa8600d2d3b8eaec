# Writes one man page per command into OUT with help2man, from the tool's own
# help: redisfit.1 from `redisfit --help`, redisfit-CMD.1 from `redisfit CMD
# --help` for every command `redisfit help` lists, so a new command gets its
# page without an edit here. Run at build time (cmake/distribution.cmake).
# Inputs: BIN (the built binary), HELP2MAN, OUT, VERSION.
execute_process(COMMAND ${BIN} help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man pages: '${BIN} help' failed (${rc})")
endif()
# CLI11 lists them under "Subcommands:", one "  name   description" a line.
string(REGEX MATCH "Subcommands:\n(([ ][ ][^\n]*\n)+)" block "${help}")
string(REGEX MATCHALL "\n  [a-z][a-z-]*" names "\n${CMAKE_MATCH_1}")
if(NOT names)
  message(FATAL_ERROR "man pages: no commands found in '${BIN} help'")
endif()
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT}/wrappers)
set(see_also "")
foreach(raw ${names})
  string(STRIP "${raw}" name)
  list(APPEND commands ${name})
  string(APPEND see_also ".BR redisfit-${name} (1),\n")
endforeach()
file(WRITE ${OUT}/top.h2m "[SEE ALSO]\n${see_also}and docs/ in the source tree (docs/install.md, docs/memory-model.md).\n")
execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --version-string=${VERSION} --section=1
                        "--name=keeps Redis on Kubernetes from being OOM-killed" --include=${OUT}/top.h2m
                        --output=${OUT}/redisfit.1 ${BIN} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man pages: help2man failed for redisfit (${rc})")
endif()
foreach(name ${commands})
  # help2man runs PROGRAM --help; a one-line wrapper makes "redisfit CMD" one
  # program, and its file name gives the page its title.
  set(wrapper ${OUT}/wrappers/redisfit-${name})
  file(WRITE ${wrapper} "#!/bin/sh\nexec '${BIN}' ${name} \"$@\"\n")
  file(CHMOD ${wrapper} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
  file(WRITE ${OUT}/wrappers/${name}.h2m "[SEE ALSO]\n.BR redisfit (1),\nand docs/${name}.md in the source tree.\n")
  execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --version-string=${VERSION} --section=1
                          --include=${OUT}/wrappers/${name}.h2m --output=${OUT}/redisfit-${name}.1 ${wrapper}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "man pages: help2man failed for redisfit ${name} (${rc})")
  endif()
endforeach()
file(REMOVE_RECURSE ${OUT}/wrappers)
file(REMOVE ${OUT}/top.h2m)
