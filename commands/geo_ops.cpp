// The GEO family's operations (see geo_ops.hpp).
#include "commands/geo_ops.hpp"

#include <algorithm>
#include <cstdio>

#include "datatypes/strutil.hpp"

namespace actis::commands {

namespace {

namespace geo = datatypes::geo;
using datatypes::obj_type;
using datatypes::zset;

/// Appends to `out` the members of `z` in `cell` that lie inside `s`, in
/// score order, stopping once `out` holds `limit` (0: no limit).
void scan_cell(const zset& z, geo::hash_bits cell, const geo::shape& s,
               std::vector<geo_match>& out, uint64_t limit) {
  geo::range scores = geo::score_range_of(cell);
  datatypes::score_range r{scores.min, scores.max, false, true};
  for (auto c = z.first_in(r); c.valid() && r.below_max(c.score()); c.next()) {
    lon_lat p = geo::decode_score(c.score());
    auto d = geo::distance_if_inside(s, p.lon, p.lat);
    if (!d)
      continue;
    out.push_back({std::string(c.member()), *d, c.score(), p});
    if (limit != 0 && out.size() >= limit)
      break;
  }
}

} // namespace

op_result<lon_lat> parse_lon_lat(std::string_view lon, std::string_view lat,
                                 std::string& detail) {
  double x, y;
  if (!datatypes::parse_double(lon, x) || !datatypes::parse_double(lat, y))
    return op_status::not_float;
  if (x < geo::lon_min || x > geo::lon_max || y < geo::lat_min || y > geo::lat_max) {
    char buf[700];
    int n = std::snprintf(buf, sizeof buf, "%f,%f", x, y);
    detail.assign(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
    return {op_status::geo_invalid_pair, detail};
  }
  return lon_lat{x, y};
}

op_result<double> parse_unit(std::string_view unit) {
  auto m = geo::unit_to_meters(unit);
  if (!m)
    return op_status::geo_unit;
  return *m;
}

op_result<zadd_outcome> op_geoadd(keyspace& ks, int db, std::string_view key,
                                  const zadd_options& options,
                                  std::span<const geo_add_element> elements) {
  std::vector<zadd_element> scored;
  scored.reserve(elements.size());
  for (const auto& e : elements)
    scored.push_back({static_cast<double>(geo::score_of(e.where.lon, e.where.lat)), e.member});
  return op_zadd(ks, db, key, options, scored);
}

op_result<const zset*> op_geo_source(keyspace& ks, int db, std::string_view key) {
  entry* e = ks.lookup_read(db, key);
  if (e == nullptr)
    return static_cast<const zset*>(nullptr);
  if (e->val.type() != obj_type::zset)
    return op_status::wrong_type;
  return static_cast<const zset*>(&datatypes::as_zset(e->val));
}

std::optional<lon_lat> member_position(const zset* z, std::string_view member) {
  if (z == nullptr)
    return std::nullopt;
  auto score = z->score(member);
  if (!score)
    return std::nullopt;
  return geo::decode_score(*score);
}

op_result<double> op_geodist(keyspace& ks, int db, std::string_view key, std::string_view a,
                             std::string_view b) {
  auto z = op_geo_source(ks, db, key);
  if (!z.ok())
    return z.error();
  auto pa = member_position(*z, a);
  auto pb = pa ? member_position(*z, b) : std::nullopt;
  if (!pa || !pb)
    return op_status::nil;
  return geo::distance(pa->lon, pa->lat, pb->lon, pb->lat);
}

std::vector<geo_match> geo_search(const zset& z, const geo::shape& s, geo_sort sort,
                                  uint64_t count, bool any) {
  auto cells = geo::search_cells(s);
  std::vector<geo_match> out;
  uint64_t limit = any ? count : 0;
  size_t last = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].is_zero())
      continue;
    // Huge areas make neighbours repeat: skip a cell equal to the last one
    // scanned (Redis never compares with the centre cell, index 0).
    if (last != 0 && cells[i].bits == cells[last].bits && cells[i].step == cells[last].step)
      continue;
    if (!out.empty() && limit != 0 && out.size() >= limit)
      break;
    scan_cell(z, cells[i], s, out, limit);
    last = i;
  }
  if (sort != geo_sort::none) {
    auto by_distance = [&](const geo_match& a, const geo_match& b) {
      return sort == geo_sort::asc ? a.distance < b.distance : a.distance > b.distance;
    };
    std::stable_sort(out.begin(), out.end(), by_distance);
  }
  if (count != 0 && out.size() > count)
    out.resize(count);
  return out;
}

op_result<size_t> op_geo_store(keyspace& ks, int db, std::string_view dst,
                               const std::vector<geo_match>& matches, bool store_distance,
                               double conversion, std::string_view event) {
  std::vector<scored_member> members;
  members.reserve(matches.size());
  for (const auto& m : matches)
    members.push_back({m.member, store_distance ? m.distance / conversion : m.score});
  auto stored = members.size();
  return op_zset_store(ks, db, dst, std::move(members), event, stored);
}

std::string human_coordinate(double v) {
  char buf[5 * 1024];
  int n = std::snprintf(buf, sizeof buf, "%.17Lf", static_cast<long double>(v));
  std::string out(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
  if (out.find('.') != std::string::npos) {
    while (!out.empty() && out.back() == '0')
      out.pop_back();
    if (!out.empty() && out.back() == '.')
      out.pop_back();
  }
  if (out == "-0")
    out = "0";
  return out;
}

std::string distance_text(double v) {
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, "%.4f", v);
  return std::string(buf, static_cast<size_t>(std::clamp(n, 0, static_cast<int>(sizeof buf) - 1)));
}

} // namespace actis::commands
