// The fork-less snapshot against a model: a partition is cut, then random
// writes, deletes, expire changes, FLUSHDB, SWAPDB and new keys interleave
// with small chunks of the scan. The chunks, framed as an RDB file and read
// back, must hold exactly the dataset at the cut.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <tuple>

#include "commands/generic_ops.hpp"
#include "commands/snapshot.hpp"
#include "ops_fixture.hpp"
#include "persistence/rdb_format.hpp"
#include "persistence/rdb_reader.hpp"
#include "persistence/rdb_string.hpp"

using namespace actis;

namespace {

/// (db, key) -> (value, expire ms or -1).
using model = std::map<std::pair<int, std::string>, std::pair<std::string, int64_t>>;

model dataset_of(commands::partition_data& p) {
  model m;
  for (size_t db = 0; db < p.dbs.size(); ++db) {
    auto& d = p.dbs[db];
    d.for_each([&](datatypes::entry& e) {
      std::string scratch;
      m[{static_cast<int>(db), std::string(e.key())}] = {std::string(e.val.str(scratch)),
                                                         d.expire_at(e)};
    });
  }
  return m;
}

struct collect final : persistence::rdb_handler {
  model m;
  int duplicates = 0;
  void entry(int db, std::string key, datatypes::value v, int64_t expire_ms, int64_t,
             int) override {
    std::string scratch;
    auto [it, added] = m.emplace(std::make_pair(db, key),
                                 std::make_pair(std::string(v.str(scratch)), expire_ms));
    if (!added)
      ++duplicates;
  }
};

} // namespace

TEST_CASE("snapshot: the chunks hold exactly the dataset at the cut, whatever changes meanwhile") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    ops_test::world w;
    std::mt19937_64 rng(seed);
    auto key = [&] { return "k" + std::to_string(rng() % 3000); };
    auto db = [&] { return static_cast<int>(rng() % 3); };
    for (int i = 0; i < 2000; ++i) {
      int d = db();
      auto k = key();
      w.put(k, "v" + std::to_string(rng()), d);
      if (rng() % 4 == 0)
        w.ks.set_expire(d, *w.part.dbs[d].find(k), ops_test::world::start_ms + 1000000 + i);
    }
    model at_cut = dataset_of(w.part);
    w.part.snapshot = std::make_unique<commands::partition_snapshot>(
        w.part, seed % 2 == 0 ? commands::snapshot_encoding::rdb_compressed
                              : commands::snapshot_encoding::rdb);
    CHECK(w.part.snapshot->keys_total() == at_cut.size());

    std::string file;
    persistence::put_header(file);
    while (!w.part.snapshot->done()) {
      for (int ops = static_cast<int>(rng() % 40); ops > 0; --ops) {
        int d = db();
        auto k = key();
        switch (rng() % 20) {
        case 0: case 1: case 2: case 3: case 4: case 5:
          w.ks.set(d, k, datatypes::value::from_string("new" + std::to_string(rng())));
          break;
        case 6: case 7: case 8:
          w.ks.remove(d, k);
          break;
        case 9: case 10:
          if (auto* e = w.ks.lookup_write(d, k))
            e->val = datatypes::value::from_string("in-place");
          break;
        case 11: case 12:
          if (auto* e = w.ks.lookup_write(d, k))
            w.ks.set_expire(d, *e, ops_test::world::start_ms + 5000000);
          break;
        case 13:
          if (auto* e = w.ks.lookup_write(d, k))
            w.ks.persist(d, *e);
          break;
        case 14:
          if (rng() % 8 == 0)
            commands::op_flushdb(w.ks, d);
          break;
        case 15:
          if (rng() % 4 == 0)
            commands::op_swapdb(w.ks, d, db());
          break;
        default:
          w.ks.set(d, "fresh" + std::to_string(rng()), datatypes::value::from_string("x"));
        }
      }
      file += w.part.snapshot->next_chunk(1 + rng() % 2000);
    }
    persistence::put_eof(file);
    persistence::put_le(file, persistence::crc64(0, file), 8);

    collect got;
    persistence::view_source src(file);
    auto error = persistence::load_rdb(src, got, true);
    REQUIRE_MESSAGE(!error, error->message);
    CHECK(got.duplicates == 0);
    CHECK(got.m == at_cut);

    // Every entry is saved again: the next cut starts clean.
    w.part.snapshot.reset();
    model now = dataset_of(w.part);
    w.part.snapshot = std::make_unique<commands::partition_snapshot>(w.part, commands::snapshot_encoding::rdb);
    std::string second;
    persistence::put_header(second);
    while (!w.part.snapshot->done())
      second += w.part.snapshot->next_chunk(1 << 20);
    persistence::put_eof(second);
    persistence::put_le(second, persistence::crc64(0, second), 8);
    collect again;
    persistence::view_source src2(second);
    REQUIRE(!persistence::load_rdb(src2, again, true));
    CHECK(again.m == now);
  }
}

TEST_CASE("snapshot: an abandoned snapshot leaves every entry saved for the next cut") {
  ops_test::world w;
  for (int i = 0; i < 500; ++i)
    w.put("k" + std::to_string(i), "v");
  w.part.snapshot = std::make_unique<commands::partition_snapshot>(w.part, commands::snapshot_encoding::rdb);
  w.part.snapshot->next_chunk(100);
  w.part.snapshot->abandon();
  CHECK(w.part.snapshot->done());
  w.part.snapshot.reset();
  commands::partition_snapshot next(w.part, commands::snapshot_encoding::rdb);
  std::string bytes;
  while (!next.done())
    bytes += next.next_chunk(1 << 20);
  CHECK(next.keys_saved() == 500);
}
