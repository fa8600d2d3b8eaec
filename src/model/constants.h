// Every number the memory model and its verdicts rest on, in one place, each
// with its evidence. docs/memory-model.md explains them at length and names the
// measurements; messages format these constants instead of repeating them.
//
// "research" = /work/shared/research/redis-memory.md (Debian 12 redis-server
// 7.0.15, system jemalloc 5.3.0); "calibration" = bench/calibration_matrix.py,
// whose table is in docs/memory-model.md.
#pragma once

#include <cstdint>

namespace redisfit {

struct ModelConstants {
  // --- verdicts --------------------------------------------------------------
  // Peak <= limit / kSafetyFactor is "safe": the 10 % margin of research §8
  // (kernel socket buffers, page cache, what the model does not see).
  static constexpr double kSafetyFactor = 1.10;
  // The margin once the terms the 10 % mostly stands for are measured: the
  // data's fragmentation and, where the instance forks, the child's life and
  // the write rate (model/verdict.h safety_margin). Given those, the model's
  // fork peaks came to 1.00-1.08 x the measured peak in 33 calibration runs
  // (median 1.03; one 0.998, a child slowed by rdb-key-save-delay), and at
  // the edge `stress --search` measured, 1.01 x the limit where 3 of 3 runs
  // survived, 1.03 where one died (docs/memory-model.md, "Current
  // calibration"). What is left is the run-to-run spread of one
  // configuration (10-30 MiB at 512Mi): 5 % covers it.
  static constexpr double kMeasuredSafetyFactor = 1.05;
  // The save-time hint (model/tighten.h) names a measured save time only when
  // halving the estimated child life takes at least this off the fork peak.
  // Where it takes less (writes refused at maxmemory, a few large values all
  // copied at once) the child's life is not what the budget turns on, and a
  // hint would send the user after a measurement worth less than the peaks of
  // one configuration differ from run to run (10-30 MiB, docs/memory-model.md).
  static constexpr uint64_t kSaveTimeHintMinBytes = 8ULL << 20;

  // --- the server itself -----------------------------------------------------
  // redis-server's own RSS with no data (measured 6.6 MB) plus the Lua VM and
  // allocator arenas a busy server grows.
  static constexpr uint64_t kBaseBytes = 10ULL << 20;
  // Per connected client once active: 16 KiB reply chunk + query buffer +
  // struct (measured ~20 KB, networking.c:getClientMemoryUsage).
  static constexpr uint64_t kBytesPerActiveClient = 20 * 1024;
  // Page tables: 8 bytes per 4 KiB page = RSS / 512.
  static constexpr uint64_t kPageTableDivisor = 512;
  static constexpr double kPageBytes = 4096;

  // --- one string key (src/model/key_size.cc) -------------------------------
  // dictEntry (24 B, jemalloc class 32), robj 16 B, EMBSTR up to 44 bytes
  // (object.c:OBJ_ENCODING_EMBSTR_SIZE_LIMIT); bucket array 8 B x a power of
  // two >= keys: 8 B/key measured on average (1 M keys: 104.4 B/key = 32 + 16
  // + 48 + 8.4, research §5), up to 16 B/key just after a resize.
  static constexpr uint64_t kDictEntryBytes = 24;
  static constexpr uint64_t kRobjBytes = 16;
  static constexpr uint64_t kEmbstrLimitBytes = 44;
  static constexpr uint64_t kBucketBytesPerKey = 8;
  static constexpr uint64_t kBucketBytesPerKeyMax = 16;
  // Key name length assumed when only the value size is known ("user:12345678").
  static constexpr uint64_t kTypicalKeyBytes = 16;

  // --- defaults of the workload (src/facts/workload.h) ----------------------
  static constexpr uint64_t kDefaultValueBytes = 1024;
  static constexpr uint64_t kDefaultClients = 100;
  // used_memory_rss / used_memory of fresh or loaded data: measured 1.02-1.08
  // (research §4, §9); churn can reach 1.3-2.0 (research §6).
  static constexpr double kDefaultFragmentation = 1.10;
  // With appendonly yes and values in jemalloc's large classes the ratio
  // is higher: the parent builds aof_buf every event loop and frees it once
  // it is over 4000 B (aof.c:flushAppendOnlyFile), and those large extents
  // interleave with the values' own, which the allocator then cannot give
  // back. Measured after pipelined imports (redis-benchmark -P 16 -c 4, and
  // stress's loader, 100-600 MB): 15000 B to 64 KiB values 1.26-1.31 (1.20
  // at 600 MB), against 1.03-1.06 with appendonly no; 1-12 KiB values
  // 1.06-1.11 with it (docs/memory-model.md, "Fragmentation under AOF").
  static constexpr double kAofLargeValueFragmentation = 1.30;
  // jemalloc 5.3's largest small size class with 4 KiB pages: allocations
  // above it are page-run extents ("large"), not slab regions.
  static constexpr uint64_t kJemallocSmallMaxBytes = 14336;
  // A large allocation starts at a random cache line of its first page, not
  // on the page boundary: jemalloc's cache-oblivious layout (opt.cache_oblivious,
  // true in Debian's libjemalloc2 5.3 that redis-server links, MEMORY
  // MALLOC-STATS, and in Redis' bundled jemalloc), paid for with one more
  // page of address space per extent. So a 16 KiB value's 20 KiB allocation
  // holds four whole pages, not five, and its first page (partial) is never
  // dismissed by a fork child: a copy of it lives to the child's end. Seen
  // on the cgroup: children of 16 KiB values at 5k-14k writes/s end with
  // ~60 MiB of 300 MiB still copied (docs/memory-model.md, "Large values
  // keep a page"); in the child's Private_Dirty at its end, 1.04 pages per
  // overwritten 16 KiB value (ForkChildCopies test).
  static constexpr double kCacheLineBytes = 64;
  // Write rate assumed for the buffers a write stream fills (replication,
  // pre-7.0 AOF rewrite) when none is given: one core's unpipelined SET rate
  // (redis.io benchmarks: ~72k/s). Also what a write costs the server in CPU
  // (1 / this core-seconds) when it shares a CPU limit with its fork child.
  static constexpr double kDefaultBufferWriteRate = 72000.0;

  // --- loading ---------------------------------------------------------------
  // RSS after loading an RDB / its used-mem aux field: measured x1.02 (research
  // §4); 1.05 for margin.
  static constexpr double kReloadFactor = 1.05;

  // --- how long a fork child lives (src/model/cow.cc) -----------------------
  // Child life = keys x kSaveSecondsPerKey + bytes / kSaveBytesPerSec + for
  // each value the child dismisses kDismissSecondsPerCall + its whole pages x
  // kDismissSecondsPerPage, for a BGSAVE on one uncontended core while the
  // parent keeps serving writes (Debian 7.0.15, rdbcompression yes, printable
  // random values that LZF cannot shrink: the worst case for compression).
  // Fitted to the children of 300 MiB in the calibration matrix on the three
  // hosts of 2026-11-27 (docs/calibration-history.md, "The estimate refitted"; 2
  // cores, nothing else running), at the median of what they measured: 100 B
  // values 4.0-5.8 s, median 4.55 s (1.58 M keys), and 1 KiB 2.5-3.8 s,
  // median 3.0 s (235 k keys), give 1.15 us per key and 115 MB/s. The hosts
  // of 2026-11-26 ran the same children 1.4-3.1x longer (docs/calibration-history.md,
  // "The matrix three times"), as research §3's idle 10 M keys / 1.9 GB in
  // 38 s was slower than this gives (28 s). A child
  // that shares a busy node's CPU lives longer than this: under a CPU limit
  // the model gives it what the server leaves (cow.cc fork_child_cores); on a
  // contended node only the server's own last save time (--save-time,
  // probe's rdb_last_bgsave_time_sec) says how long, and replaces this.
  static constexpr double kSaveBytesPerSec = 115e6;
  // What skipping LZF gains: a child that writes its values as they are
  // (rdbcompression no, or an AOF rewrite without its RDB preamble) runs the
  // bytes term this many times as fast. Measured 2026-11-28 on one host, the
  // matrix's BGSAVE of 300 MiB at 1000 writes/s, three runs each (yes -> no):
  // 100 B values 2.4-2.6 s -> 1.8-1.9 s, 1 KiB 1.6-1.7 s -> 0.65-0.70 s,
  // 16 KiB 1.6-1.7 s -> 0.50 s; BGREWRITEAOF of 1 KiB with its preamble
  // 1.6-1.7 s -> 0.60-0.81 s, without one 0.50-0.66 s. 1.9 is the largest
  // speed-up that, with the per-key terms above unchanged, predicts no row
  // shorter than it ran (the 100 B row binds; 1 KiB and 16 KiB ran 2.4x and
  // 3.2x as fast). LZF only ever costs: values it shrinks are written
  // faster than with compression off (a 300 MiB dump of repetitive 1 KiB
  // values 0.6 s with it, 0.9 s without), so "yes" over incompressible
  // values stays the estimate when compression is on.
  static constexpr double kUncompressedSaveSpeedup = 1.9;
  static constexpr double kSaveSecondsPerKey = 1.15e-6;
  // A value over half a page whose allocation holds a whole page is
  // dismissed by the child once saved (object.c:dismissObject ->
  // zmalloc.c:zmadvise_dontneed, madvise(MADV_DONTNEED) of its whole pages):
  // one system call and TLB flush per value. On the 2026-11-27 hosts it cost
  // little: at 5000 writes/s, 4000 B values (one page each, 77 k calls) 3.4-3.8
  // s, median 3.45 s; 4 KiB (30 k calls) 2.8-3.6 s, median 3.15 s; 16 KiB (15 k
  // calls of four pages) 2.8-3.0 s, median 2.9 s; against 2.73-2.82 s the two
  // terms above give them: 6 us per call and 1 us per page. (On the
  // 2026-11-26 hosts it cost ~41 us per call idle and 50 us + 80 us per page
  // with the parent writing: a flush that waits on the other vCPU is what a
  // busy host charges; see the paragraph above for what replaces it.)
  static constexpr double kDismissSecondsPerCall = 6e-6;
  static constexpr double kDismissSecondsPerPage = 1e-6;
  // dismissMemory's own threshold: values up to half a page are left alone.
  static constexpr uint64_t kDismissMinValueBytes = 2048;
  // What a busy node makes of the estimate: the hints (model/tighten.h) and
  // plan's note say what a child living this many times as long costs. The
  // 2026-11-26 hosts ran the matrix's children 1.4-3.1x as long as the
  // 2026-11-27 ones; a build beside them on both cores, 1.1-2.9x
  // (docs/calibration-history.md, "A fast host").
  static constexpr double kBusyNodeSaveMultiple = 2.0;
  // The other way: what a median node makes of it. The estimate above is the
  // median of the 2026-11-27 hosts (three sessions), kept so that a verdict
  // does not under-budget a node that slow. The hosts of four sessions of
  // 2026-11-28 ran the same BGSAVE children of 300 MiB at 1k-20k writes/s in
  // (medians) 2.9 s for 100 B values, 1.66 s for 1 KiB, 1.61 s for 4 KiB,
  // 1.63 s for 16 KiB, 1.9 s for 4000 B: 1.57-1.96x as fast as the estimate,
  // 1.8x for 1 KiB; the issue's own host saved 300-430 MB in 1.5-2.6 s. Five
  // of the eight quiet hosts measured save about this many times as fast as
  // the estimate: the expected peak (MemoryBudget::expected_peak_bytes)
  // takes a child this much shorter; the verdict keeps the estimate.
  static constexpr double kTypicalSaveSpeedup = 1.75;
  // INFO's last save times are whole seconds: below this they are too coarse
  // to replace the estimate.
  static constexpr double kMinMeasuredSaveSeconds = 2.0;
  // And they are differences of two time(NULL) readings
  // (rdb.c:backgroundSaveDoneHandlerDisk: rdb_save_time_last = time(NULL) -
  // rdb_save_time_start; aof.c likewise for aof_rewrite_time_last), so a
  // figure of N is a life between N - 1 and N + 1 s: a 2.9 s save can read 2.
  // The life taken from one is N + this, the longest it can have been.
  static constexpr double kInfoSaveTimeResolutionSeconds = 1.0;
  // A full sync lasts the child's save plus the transfer and the replica's
  // load. Measured against the BGSAVE of the same data and writes (1 KiB,
  // 5000/s, replica on the same host): 1.03-1.41x in six matrix runs on the
  // 2026-11-27 hosts (children of 3.2-4.3 s), 1.67x on a 2026-11-26 host
  // (8.0 s against 4.8 s). 1.5 sits between.
  static constexpr double kFullSyncSaveMultiple = 1.5;
  // An AOF rewrite's child (7.0: the RDB preamble) shares the disk with the
  // parent's AOF appends and their everysec fsync. Child life against the
  // BGSAVE of the same data and writes (1 KiB and 16 KiB values, 5000/s):
  // 0.89-1.18 on the 2026-11-27 hosts (five matrix runs), 0.88-1.27 and one
  // 1.65 on the 2026-11-26 ones. 1.2 covers all but the one.
  static constexpr double kAofRewriteSaveMultiple = 1.2;

  // --- copy-on-write (src/model/cow.cc) -------------------------------------
  // Per-key metadata, the pool of pages writes rewrite besides the values:
  // everything of a key but its value, i.e. the dictEntry (24 -> 32 B), the
  // robj (16 B), the key's sds (a 16-byte name: 18 -> 32 B) and its bucket
  // slot (8 B). An overwrite rewrites the entry and replaces the robj; at
  // maxmemory under allkeys-* the evictions it causes unlink entries from
  // their buckets and free keys whose slots the next inserts reuse, so the
  // key's sds and bucket pages are written too. Few keys (large values) mean
  // a small pool that is soon all copied; many keys, a large one.
  // Calibration (2026-11-26): with only the entry and robj (48 B) the pool of
  // 100 B values at 5000/s was under-predicted (0.99 of the measured peak).
  static constexpr uint64_t kMetadataBytesPerKey = 32 + kRobjBytes + 32 + kBucketBytesPerKey;
  // Metadata pages one overwrite dirties: its dictEntry's, and a second one
  // (the new robj, or the bucket and entry an eviction rewrites under
  // allkeys-*). Calibration: 100 B values at 1k writes/s copied 3.1 pages per
  // write, 2 of them metadata (the value's slot is the third).
  static constexpr double kMetadataPagesPerWrite = 2.0;
  // A parent whose writes are all refused (-OOM at maxmemory) or that is idle
  // still dirties some pages: refused commands' argv and query buffers,
  // serverCron, allocator metadata. Idle BGSAVE measured 0.7 MB on 1.9 GB
  // (research §3); refused writes at full speed measured ~11 MB on ~300 MB
  // (issue 10) and up to 4 % in the calibration: 5 % of the dataset.
  static constexpr double kIdleCowFraction = 0.01;
  static constexpr double kRefusedWritesCowFraction = 0.05;

  // --- buffers ---------------------------------------------------------------
  // appendfsync everysec: a stalled fsync lets aof_buf grow for up to 2 s
  // before Redis blocks writes (aof.c:flushAppendOnlyFile). Opt-in only
  // (--fsync-stall): a stalled disk is a fault, not the normal case.
  static constexpr double kMaxFsyncStallSeconds = 2.0;

  // --- live thresholds (probe, recommend) ------------------------------------
  // Below 64 MiB used_memory, mem_fragmentation_ratio is dominated by the
  // ~7 MB RSS of an empty redis-server (ratio 7.7 on an empty server,
  // research §1): the ratio is neither used as the model's fragmentation nor
  // judged. At 64 MiB the fixed part is < 10 %.
  static constexpr uint64_t kMinUsedForFragmentationBytes = 64ULL << 20;
  // MEMORY DOCTOR flags rss/used > 1.4 once used > 10 MB (object.c,
  // getMemoryDoctorReport); probe warns at 1.5, where the peak RSS is half
  // again the data and a restart or a failover is the remedy.
  static constexpr double kFragmentationWarnRatio = 1.5;
  // connected_clients at 80 % of maxclients: a reconnect storm or a pool
  // resize is about to be refused ("max number of clients reached").
  static constexpr double kClientsWarnShareOfMaxclients = 0.8;
  // Client or replica output buffers above 10 % of the limit: one slow
  // consumer already holds a share of the headroom the model gives buffers.
  static constexpr double kBuffersWarnShareOfLimit = 0.1;
  // used_memory at 90 % of maxmemory under a policy that refuses writes: the
  // -OOM errors are near (evict.c performEvictions returns EVICT_FAIL).
  static constexpr double kNearMaxmemoryShare = 0.9;
};

}  // namespace redisfit
