# Writes the shell completion scripts into OUT from `redisfit completion
# SHELL` (generated from the command table, src/cli/completion.h), under the
# names bash-completion, zsh and fish look up. Inputs: BIN, OUT.
file(REMOVE_RECURSE ${OUT})
foreach(pair "bash;bash/redisfit" "zsh;zsh/_redisfit" "fish;fish/redisfit.fish")
  list(GET pair 0 shell)
  list(GET pair 1 file)
  get_filename_component(dir ${OUT}/${file} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  execute_process(COMMAND ${BIN} completion ${shell} OUTPUT_FILE ${OUT}/${file} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "completions: '${BIN} completion ${shell}' failed (${rc})")
  endif()
endforeach()
# bash-completion and fish load a script by the command's name: the plugin
# names get links to the same script (zsh reads the #compdef line instead).
foreach(plugin kubectl-redisfit kbcli-redisfit)
  file(CREATE_LINK redisfit ${OUT}/bash/${plugin} SYMBOLIC)
  file(CREATE_LINK redisfit.fish ${OUT}/fish/${plugin}.fish SYMBOLIC)
endforeach()
