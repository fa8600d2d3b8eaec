// Facts of the RDB file format the reader relies on (rdb.h of Redis 7.4 and
// Valkey 8; stated in our words, see docs/rdb.md for the version history).
#pragma once

#include <cstdint>

namespace redisfit::rdb {

// RDB versions this reader understands. 9 = Redis 5.0-6.2, 10 = 7.0,
// 11 = 7.2 and Valkey 7.2/8.x, 12 = 7.4 (hash field TTLs, slot info).
// Older versions (1-8) use a subset of the same encodings and are read too.
inline constexpr int kMinVersion = 1;
inline constexpr int kMaxVersion = 12;

// Object types (RDB_TYPE_*).
enum Type : uint8_t {
  kTypeString = 0,
  kTypeList = 1,
  kTypeSet = 2,
  kTypeZset = 3,
  kTypeHash = 4,
  kTypeZset2 = 5,            // binary double scores
  kTypeModulePreGa = 6,      // 4.0 release candidates, refused by Redis too
  kTypeModule2 = 7,
  kTypeHashZipmap = 9,       // Redis < 2.6
  kTypeListZiplist = 10,
  kTypeSetIntset = 11,
  kTypeZsetZiplist = 12,
  kTypeHashZiplist = 13,
  kTypeListQuicklist = 14,   // quicklist of ziplists (3.2-6.2)
  kTypeStreamListpacks = 15,
  kTypeHashListpack = 16,    // 7.0
  kTypeZsetListpack = 17,    // 7.0
  kTypeListQuicklist2 = 18,  // 7.0: quicklist of listpacks, plain nodes
  kTypeStreamListpacks2 = 19,
  kTypeSetListpack = 20,     // 7.2
  kTypeStreamListpacks3 = 21,
  kTypeHashMetadataPreGa = 22,    // 7.4 RC: hash with field TTLs, absolute TTLs
  kTypeHashListpackExPreGa = 23,  // 7.4 RC
  kTypeHashMetadata = 24,         // 7.4: minExpire then relative TTLs
  kTypeHashListpackEx = 25,       // 7.4: minExpire then a listpack of triples
};

// Opcodes, counting down from 255.
enum Opcode : uint8_t {
  kOpSlotInfo = 244,       // 7.4 cluster: slot id, size, expires size
  kOpFunction2 = 245,      // 7.0 function library
  kOpFunctionPreGa = 246,  // 7.0 RC function library
  kOpModuleAux = 247,
  kOpIdle = 248,
  kOpFreq = 249,
  kOpAux = 250,
  kOpResizeDb = 251,
  kOpExpireTimeMs = 252,
  kOpExpireTime = 253,
  kOpSelectDb = 254,
  kOpEof = 255,
};

// Module value sub-opcodes (RDB_MODULE_OPCODE_*), which let a reader skip a
// module value without the module.
enum ModuleOpcode : uint64_t {
  kModuleEof = 0, kModuleSint = 1, kModuleUint = 2, kModuleFloat = 3, kModuleDouble = 4, kModuleString = 5,
};

// quicklist.h QUICKLIST_NODE_CONTAINER_*.
inline constexpr uint64_t kQuicklistPlain = 1;
inline constexpr uint64_t kQuicklistPacked = 2;

const char* type_name(uint8_t type);  // "hash-listpack", ... or nullptr if unknown

}  // namespace redisfit::rdb
