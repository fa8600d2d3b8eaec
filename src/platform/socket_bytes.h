// How many bytes a TCP socket has received so far, as the kernel counts
// them (TCP_INFO's tcpi_bytes_received, Linux 4.1+): what the peer sent,
// whether or not the process has read it yet. Its own translation unit
// because <linux/tcp.h>, which has the field, cannot share one with
// <netinet/tcp.h>, which cpp-httplib includes.
#pragma once

#include <cstdint>
#include <optional>

namespace redisfit::platform {

// nullopt when `fd` is not a TCP socket (closed, not yet connected, or a
// kernel without the field).
std::optional<uint64_t> tcp_bytes_received(int fd);

}  // namespace redisfit::platform
