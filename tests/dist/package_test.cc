// The packaged forms (issue 15, docs/install.md): the OCI image built from
// scratch runs `version` and `probe` from its unpacked rootfs against a real
// redis-server; the .deb made by CPack unpacks and runs; the krew manifest's
// sha256 is that of the archive the build made; the deploy examples use the
// image name and tag the build produces.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "dist/dist_helpers.h"
#include "support/redis_server.h"

namespace redisfit {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_process;
using testing::TempDir;
using testing::dist_helpers::expect_probe_from_chroot;
using testing::dist_helpers::has;

// "0.1.0" out of "redisfit 0.1.0 (...)".
std::string project_version() {
  std::smatch m;
  const std::string out = testing::run_redisfit({"version"}).out;
  return std::regex_search(out, m, std::regex(R"(redisfit (\d+\.\d+\.\d+))")) ? m[1].str() : "";
}

TEST(OciImage, BuiltFromScratchUnpackedAndRunAgainstARealServer) {
  if (geteuid() != 0) GTEST_SKIP() << "running the unpacked rootfs needs chroot, which needs root";
  ASSERT_TRUE(fs::exists(REDISFIT_STATIC_BINARY)) << "run scripts/setup.sh (scripts/static-deps.sh), then rebuild";
  const std::string version = project_version();
  ASSERT_FALSE(version.empty());
  TempDir out;
  auto build = run_process({testing::source_path("packaging/oci-image.sh"), REDISFIT_STATIC_BINARY, out.path(), version});
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  ASSERT_TRUE(fs::exists(out.path() + "/redisfit-" + version + ".oci.tar"));
  // The layout holds the tag the deploy examples use, and no other image.
  const std::string index = read_file(out.path() + "/redisfit/index.json");
  EXPECT_TRUE(has(index, "\"org.opencontainers.image.ref.name\":\"" + version + "\"")) << index;

  const std::string bundle = out.path() + "/bundle";
  auto unpack = run_process({"/usr/bin/umoci", "unpack", "--image", out.path() + "/redisfit:" + version, bundle});
  ASSERT_EQ(unpack.exit_code, 0) << unpack.err;
  const std::string config = read_file(bundle + "/config.json");
  EXPECT_TRUE(std::regex_search(config, std::regex(R"("args":\s*\[\s*"/usr/local/bin/redisfit",\s*"help"\s*\])"))) << config;
  EXPECT_TRUE(std::regex_search(config, std::regex(R"("uid":\s*65532)"))) << config;
  // From scratch: the binary, passwd/group for its user, /tmp; nothing else.
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(bundle + "/rootfs")) {
    if (e.is_regular_file()) files.push_back(e.path().string().substr(bundle.size() + 7));
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"/etc/group", "/etc/passwd", "/usr/local/bin/redisfit"}));

  const std::string rootfs = bundle + "/rootfs";
  auto v = run_process({"/usr/sbin/chroot", rootfs, "/usr/local/bin/redisfit", "version"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, testing::run_redisfit({"version"}).out);
  expect_probe_from_chroot(rootfs, "/usr/local/bin/redisfit");
}

TEST(OciImage, DeployExamplesReferenceTheImageTheBuildMakes) {
  const std::string version = project_version();
  int references = 0;
  for (const auto& e : fs::directory_iterator(testing::source_path("deploy/kubernetes"))) {
    const std::string text = read_file(e.path());
    std::regex image(R"(image:\s*(\S*redisfit\S*))");
    for (std::sregex_iterator it(text.begin(), text.end(), image), end; it != end; ++it) {
      // The image the build makes, or one the file shows how to derive from it.
      if ((*it)[1].str() != "redisfit:" + version) {
        EXPECT_TRUE(has(text, "COPY --from=redisfit:" + version + " /usr/local/bin/redisfit"))
            << e.path() << ": " << (*it)[1].str() << " is neither the image the build makes nor derived from it";
      }
      ++references;
    }
  }
  EXPECT_GE(references, 3);
}

TEST(DebPackage, BuiltByCPackUnpacksAndRuns) {
  TempDir out;
  auto cpack = run_process({"/usr/bin/cpack", "-G", "DEB", "--config", std::string(REDISFIT_BUILD_DIR) + "/CPackConfig.cmake",
                            "-B", out.path()});
  ASSERT_EQ(cpack.exit_code, 0) << cpack.out << cpack.err;
  std::string deb;
  for (const auto& e : fs::directory_iterator(out.path())) {
    if (e.path().extension() == ".deb") deb = e.path();
  }
  ASSERT_FALSE(deb.empty()) << cpack.out;
  EXPECT_EQ(fs::path(deb).filename(), "redisfit_" + project_version() + "_amd64.deb");
  auto fields = run_process({"/usr/bin/dpkg-deb", "-f", deb, "Package", "Architecture", "Depends"});
  EXPECT_EQ(fields.exit_code, 0) << fields.err;
  EXPECT_TRUE(has(fields.out, "Package: redisfit\nArchitecture: amd64\n")) << fields.out;
  auto listing = run_process({"/usr/bin/dpkg-deb", "-c", deb});
  for (const std::string path : {"./usr/bin/redisfit", "./usr/bin/kubectl-redisfit -> redisfit",
                                 "./usr/share/man/man1/redisfit-probe.1",
                                 "./usr/share/bash-completion/completions/redisfit"}) {
    EXPECT_TRUE(has(listing.out, path)) << path << "\n" << listing.out;
  }
  // Installed by unpacking into a temporary root (dpkg -x): installing it
  // system-wide would change the machine the other tests run on.
  const std::string root = out.path() + "/root";
  auto unpack = run_process({"/usr/bin/dpkg", "-x", deb, root});
  ASSERT_EQ(unpack.exit_code, 0) << unpack.err;
  auto v = run_process({root + "/usr/bin/redisfit", "version"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out, testing::run_redisfit({"version"}).out);
  auto plugin = run_process({root + "/usr/bin/kubectl-redisfit", "help"});
  EXPECT_TRUE(has(plugin.out, "Usage: kubectl redisfit")) << plugin.out;
  // Stripped (CPACK_STRIP_FILES): the static binary is ~10 MB, not ~150.
  EXPECT_LT(fs::file_size(root + "/usr/bin/redisfit"), 40u << 20);
  // The package's files alone run: the root holds nothing else.
  if (geteuid() == 0 && fs::exists(REDISFIT_STATIC_BINARY)) expect_probe_from_chroot(root, "/usr/bin/redisfit");
}

TEST(KrewManifest, Sha256IsThatOfTheArchiveTheBuildMade) {
  const std::string dist = std::string(REDISFIT_BUILD_DIR) + "/dist";
  if (!fs::exists(REDISFIT_STATIC_BINARY)) GTEST_SKIP() << "no static binary (scripts/static-deps.sh): no krew archive";
  const std::string manifest = read_file(dist + "/krew/redisfit.yaml");
  std::smatch sha, uri, version;
  ASSERT_TRUE(std::regex_search(manifest, sha, std::regex(R"(sha256: ([0-9a-f]{64}))"))) << manifest;
  ASSERT_TRUE(std::regex_search(manifest, uri, std::regex(R"(uri: \S*/(kubectl-redisfit_\S+\.tar\.gz))"))) << manifest;
  ASSERT_TRUE(std::regex_search(manifest, version, std::regex(R"(version: v(\S+))")));
  EXPECT_EQ(version[1].str(), project_version());
  const std::string archive = dist + "/" + uri[1].str();
  auto sum = run_process({"/usr/bin/sha256sum", archive});
  ASSERT_EQ(sum.exit_code, 0) << sum.err;
  EXPECT_EQ(sum.out.substr(0, 64), sha[1].str());

  // krew links the archive's `bin` as kubectl-redisfit on PATH.
  TempDir unpacked;
  auto untar = run_process({"/bin/tar", "-C", unpacked.path(), "-xzf", archive});
  ASSERT_EQ(untar.exit_code, 0) << untar.err;
  ASSERT_TRUE(has(manifest, "bin: redisfit"));
  fs::create_symlink(unpacked.path() + "/redisfit", unpacked.path() + "/kubectl-redisfit");
  auto help = run_process({unpacked.path() + "/kubectl-redisfit", "help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_TRUE(has(help.out, "Usage: kubectl redisfit")) << help.out;
  auto v = run_process({unpacked.path() + "/kubectl-redisfit", "version"});
  EXPECT_EQ(v.out, testing::run_redisfit({"version"}).out);
}

}  // namespace
}  // namespace redisfit
