# Distribution (docs/install.md): the static binary, man pages, shell
# completions, install(), the Debian package, the krew plugin and the OCI image.

# --- redisfit-static: the same objects as `redisfit`, linked a second time
# with -static, so it runs with nothing else on the machine (a distroless or
# Alpine Redis image, a chroot holding only itself). Debian 12 ships no .a for
# fmt, cpp-httplib, liblzf and ISA-L: scripts/static-deps.sh builds them from
# the Debian source packages of the installed versions (run by setup.sh).
set(REDISFIT_STATIC_DEPS "/usr/local/lib/redisfit-static" CACHE PATH
    "Where scripts/static-deps.sh put the static archives Debian does not ship")
set(REDISFIT_STATIC_ARCHIVES fmt cpp-httplib lzf isal)
set(REDISFIT_STATIC_FOUND ON)
foreach(name ${REDISFIT_STATIC_ARCHIVES})
  if(NOT EXISTS ${REDISFIT_STATIC_DEPS}/lib${name}.a)
    set(REDISFIT_STATIC_FOUND OFF)
  endif()
endforeach()

if(REDISFIT_STATIC_FOUND AND NOT REDISFIT_SANITIZE AND NOT REDISFIT_FUZZ)
  add_executable(redisfit-static $<TARGET_OBJECTS:redisfit_cli>)
  # Link-only: the archive of the library's objects, then every dependency as
  # an archive. Not target_link_libraries(redisfit_lib): its imported targets
  # name the shared libraries (libfmt.so.9, libssl.so.3) by path.
  target_link_libraries(redisfit-static PRIVATE
    $<TARGET_FILE:redisfit_lib>
    ${REDISFIT_STATIC_DEPS}/libcpp-httplib.a ${REDISFIT_STATIC_DEPS}/libfmt.a
    ${REDISFIT_STATIC_DEPS}/liblzf.a ${REDISFIT_STATIC_DEPS}/libisal.a
    -lhiredis -lyaml -lssl -lcrypto -lpthread -ldl)
  add_dependencies(redisfit-static redisfit_lib)
  # glibc's getaddrinfo() in a static binary still reads /etc/hosts and DNS
  # (nss_files and nss_dns are inside libc since glibc 2.34); only other NSS
  # modules (LDAP, systemd-resolved's) are out of reach: the linker's warning
  # about it is expected. Numeric addresses need nothing.
  target_link_options(redisfit-static PRIVATE -static)
  set_target_properties(redisfit-static PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
  set(REDISFIT_SHIPPED_BINARY redisfit-static)
else()
  message(STATUS "redisfit-static: not built (static archives missing in ${REDISFIT_STATIC_DEPS}: "
                 "run scripts/static-deps.sh, or a sanitizer/fuzz build); packages ship the dynamic binary")
  set(REDISFIT_SHIPPED_BINARY redisfit)
endif()

# --- Generated at build time from the binary itself: man pages (help2man over
# each command's --help) and completions (`redisfit completion SHELL`).
find_program(HELP2MAN help2man)
if(HELP2MAN)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/man/redisfit.1
    COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:redisfit> -DHELP2MAN=${HELP2MAN}
            -DOUT=${CMAKE_BINARY_DIR}/man -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/man_pages.cmake
    DEPENDS redisfit ${CMAKE_SOURCE_DIR}/cmake/man_pages.cmake
    COMMENT "man pages from each command's --help (help2man)")
  add_custom_target(redisfit_man ALL DEPENDS ${CMAKE_BINARY_DIR}/man/redisfit.1)
else()
  message(WARNING "help2man not found (scripts/setup.sh installs it): no man pages")
endif()
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/completions/bash/redisfit
  COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:redisfit> -DOUT=${CMAKE_BINARY_DIR}/completions
          -P ${CMAKE_SOURCE_DIR}/cmake/completions.cmake
  DEPENDS redisfit ${CMAKE_SOURCE_DIR}/cmake/completions.cmake
  COMMENT "shell completions from the command table")
add_custom_target(redisfit_completions ALL DEPENDS ${CMAKE_BINARY_DIR}/completions/bash/redisfit)

# --- install(): the binary (the static one when it is built), its plugin
# names as links (kubectl and kbcli run kubectl-redisfit / kbcli-redisfit from
# PATH; main.cc names itself from argv[0]), man pages, completions.
include(GNUInstallDirs)
install(PROGRAMS $<TARGET_FILE:${REDISFIT_SHIPPED_BINARY}> DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME redisfit)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/plugin-links)
foreach(plugin kubectl-redisfit kbcli-redisfit)
  file(CREATE_LINK redisfit ${CMAKE_BINARY_DIR}/plugin-links/${plugin} SYMBOLIC)
  install(FILES ${CMAKE_BINARY_DIR}/plugin-links/${plugin} DESTINATION ${CMAKE_INSTALL_BINDIR})
endforeach()
if(HELP2MAN)
  install(DIRECTORY ${CMAKE_BINARY_DIR}/man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1")
endif()
install(DIRECTORY ${CMAKE_BINARY_DIR}/completions/bash/ DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(DIRECTORY ${CMAKE_BINARY_DIR}/completions/zsh/ DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(DIRECTORY ${CMAKE_BINARY_DIR}/completions/fish/ DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
