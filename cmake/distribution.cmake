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
# `cmake --install` and cpack install what the build made; without this, cpack
# would first build every target (tests, benchmarks), even from inside a test.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
if(REDISFIT_SHIPPED_BINARY STREQUAL "redisfit-static")
  # The stripped copy (dist/redisfit, below): 10 MB instead of 150 with debug info.
  install(PROGRAMS ${CMAKE_BINARY_DIR}/dist/redisfit DESTINATION ${CMAKE_INSTALL_BINDIR})
else()
  install(PROGRAMS $<TARGET_FILE:redisfit> DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
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

# --- Artifacts made from the static binary (build/dist): the stripped binary,
# the krew archive + manifest (every build: ~1 s), and on demand the OCI image
# (`cmake --build build --target redisfit-image`; tests/dist builds its own).
if(TARGET redisfit-static)
  set(REDISFIT_DIST ${CMAKE_BINARY_DIR}/dist)
  set(REDISFIT_RELEASE_URL "file://${REDISFIT_DIST}" CACHE STRING
      "Where the krew archive will be published (the manifest's uri); set it when releasing")
  find_program(STRIP_PROGRAM NAMES strip REQUIRED)
  add_custom_command(OUTPUT ${REDISFIT_DIST}/redisfit
    COMMAND ${CMAKE_COMMAND} -E make_directory ${REDISFIT_DIST}
    COMMAND ${STRIP_PROGRAM} -o ${REDISFIT_DIST}/redisfit $<TARGET_FILE:redisfit-static>
    DEPENDS redisfit-static COMMENT "stripped static binary: dist/redisfit")
  add_custom_command(OUTPUT ${REDISFIT_DIST}/krew/redisfit.yaml
    COMMAND ${CMAKE_COMMAND} -DBIN=${REDISFIT_DIST}/redisfit -DOUT=${REDISFIT_DIST} -DVERSION=${PROJECT_VERSION}
            -DTEMPLATE=${CMAKE_SOURCE_DIR}/packaging/krew/redisfit.yaml.in -DRELEASE_URL=${REDISFIT_RELEASE_URL}
            -P ${CMAKE_SOURCE_DIR}/cmake/krew.cmake
    DEPENDS ${REDISFIT_DIST}/redisfit ${CMAKE_SOURCE_DIR}/packaging/krew/redisfit.yaml.in ${CMAKE_SOURCE_DIR}/cmake/krew.cmake
    COMMENT "krew archive and manifest (sha256 of the archive): dist/krew/redisfit.yaml")
  add_custom_target(redisfit_dist ALL DEPENDS ${REDISFIT_DIST}/redisfit ${REDISFIT_DIST}/krew/redisfit.yaml)
  add_custom_target(redisfit-image
    COMMAND ${CMAKE_SOURCE_DIR}/packaging/oci-image.sh $<TARGET_FILE:redisfit-static> ${REDISFIT_DIST}/oci ${PROJECT_VERSION}
    DEPENDS redisfit-static COMMENT "OCI image redisfit:${PROJECT_VERSION} from scratch (umoci): dist/oci")
endif()

# --- Debian package: `cd build && cpack -G DEB` -> redisfit_VERSION_amd64.deb
# with everything install() puts, under /usr. The static binary needs no
# library, so the package depends on nothing; a dynamic build gets its
# dependencies from dpkg-shlibdeps.
set(CPACK_PACKAGE_NAME redisfit)
set(CPACK_PACKAGE_VENDOR redisfit)
set(CPACK_PACKAGE_CONTACT "redisfit maintainers <redisfit@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "keeps Redis on Kubernetes from being OOM-killed")
set(CPACK_PACKAGE_DESCRIPTION "Lints KubeBlocks and Kubernetes objects and redis.conf for Redis memory settings that are OOM-killed (fork copy-on-write, replica sync, reload), probes live servers, exports limit-aware metrics, guards maxmemory in the pod, and prints the fix.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # the dynamic binary; the static one is installed stripped
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
if(NOT TARGET redisfit-static)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
include(CPack)
