# The krew archive and manifest (packaging/krew/redisfit.yaml.in), at build
# time: a reproducible tar.gz of the stripped static binary (fixed order,
# owner and mtime, gzip without a name or time, so the same binary gives the
# same sha256), then the manifest with that archive's sha256.
# Inputs: BIN (stripped static binary), OUT (build/dist), VERSION,
# TEMPLATE, RELEASE_URL.
set(archive kubectl-redisfit_v${VERSION}_linux_amd64.tar.gz)
set(stage ${OUT}/krew-stage)
file(REMOVE_RECURSE ${stage})
file(MAKE_DIRECTORY ${stage} ${OUT}/krew)
file(COPY_FILE ${BIN} ${stage}/redisfit)
execute_process(COMMAND tar -C ${stage} --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - redisfit
                COMMAND gzip -n -9
                OUTPUT_FILE ${OUT}/${archive} RESULTS_VARIABLE rcs)
if(NOT rcs STREQUAL "0;0")
  message(FATAL_ERROR "krew: making ${archive} failed (${rcs})")
endif()
file(REMOVE_RECURSE ${stage})
file(SHA256 ${OUT}/${archive} SHA256)
set(ARCHIVE ${archive})
configure_file(${TEMPLATE} ${OUT}/krew/redisfit.yaml @ONLY)
