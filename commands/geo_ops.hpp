// The GEO family's operations: members of a sorted set whose scores are
// 52-bit geohashes (datatypes/geohash.hpp). GEOADD is ZADD of encoded
// scores; the searches scan the cells covering a circle or a box in the
// order Redis scans them, so unsorted replies come out in the same order.
// Reads go through the zset helper's datatype (datatypes/zset.hpp) and its
// ZADD / store operations (commands/zset_ops.hpp): this file is the thin
// adapter between the two. Thread: the holder of the keys' partitions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace.hpp"
#include "commands/op_status.hpp"
#include "commands/zset_ops.hpp"
#include "datatypes/geohash.hpp"
#include "datatypes/zset.hpp"

namespace actis::commands {

using datatypes::geo::lon_lat;

/// Parses a longitude and a latitude (Redis's extractLongLatOrReply):
/// not_float for a non-number, geo_invalid_pair outside Redis's limits, with
/// `detail` receiving the "%f,%f" text the error quotes.
op_result<lon_lat> parse_lon_lat(std::string_view lon, std::string_view lat, std::string& detail);

/// Metres per unit; geo_unit for an unknown one.
op_result<double> parse_unit(std::string_view unit);

struct geo_add_element {
  lon_lat where;
  std::string_view member;
};

/// GEOADD: ZADD (NX / XX / CH in `options`) of the members at their
/// geohash scores (datatypes::geo::score_of). Returns ZADD's outcome.
op_result<zadd_outcome> op_geoadd(keyspace& ks, int db, std::string_view key,
                                  const zadd_options& options,
                                  std::span<const geo_add_element> elements);

/// The sorted set a GEO read works on: nullptr for a missing key,
/// wrong_type for another type. One read lookup (hits/misses as Redis).
op_result<const datatypes::zset*> op_geo_source(keyspace& ks, int db, std::string_view key);

/// The decoded position of `member`, nullopt if `z` is null or lacks it.
std::optional<lon_lat> member_position(const datatypes::zset* z, std::string_view member);

/// GEODIST: metres between two members; nil if the key or either member is
/// missing.
op_result<double> op_geodist(keyspace& ks, int db, std::string_view key, std::string_view a,
                             std::string_view b);

enum class geo_sort : uint8_t { none, asc, desc };

struct geo_match {
  std::string member;
  /// Distance from the centre in metres.
  double distance;
  double score;
  lon_lat where;
};

/// The members of `z` inside `s`, in Redis's scan order, then sorted by
/// distance (stable) when `sort` says so and cut to `count` (0: all).
/// With `any` the scan stops after `count` matches.
std::vector<geo_match> geo_search(const datatypes::zset& z, const datatypes::geo::shape& s,
                                  geo_sort sort, uint64_t count, bool any);

/// The STORE forms: `dst` becomes a sorted set of the matches scored by
/// geohash, or by distance in the search unit (`conversion` metres) with
/// `store_distance`; deleted when there are none. Notifies `event`.
op_result<size_t> op_geo_store(keyspace& ks, int db, std::string_view dst,
                               const std::vector<geo_match>& matches, bool store_distance,
                               double conversion, std::string_view event);

/// Redis's long double "human" form (%.17Lf without trailing zeros), as
/// GEOPOS and WITHCOORD print coordinates.
std::string human_coordinate(double v);
/// Redis's "%.4f" distance form (GEODIST, WITHDIST).
std::string distance_text(double v);

} // namespace actis::commands
