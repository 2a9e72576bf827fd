// Redis's geohash encoding and search geometry (see geohash.hpp).
#include "datatypes/geohash.hpp"

#include <algorithm>
#include <cmath>

#include "datatypes/strutil.hpp"

namespace actis::datatypes::geo {

namespace {

constexpr double mercator_max = 20037726.37;
constexpr double deg_to_rad = M_PI / 180.0;
constexpr range wgs84_lon{lon_min, lon_max}, wgs84_lat{lat_min, lat_max};

double deg_rad(double ang) { return ang * deg_to_rad; }
double rad_deg(double ang) { return ang / deg_to_rad; }

/// Spreads the 32 bits of `v` to the even bits of the result.
uint64_t spread(uint32_t v) {
  uint64_t x = v;
  x = (x | (x << 16)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x << 8)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x << 2)) & 0x3333333333333333ULL;
  x = (x | (x << 1)) & 0x5555555555555555ULL;
  return x;
}

/// The even bits of `x`, packed.
uint32_t squash(uint64_t x) {
  x &= 0x5555555555555555ULL;
  x = (x | (x >> 1)) & 0x3333333333333333ULL;
  x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
  x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
  x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
  x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
  return static_cast<uint32_t>(x);
}

/// Moves a cell one step east/west (longitude, the odd bits) or north/south
/// (latitude, the even bits): adding 1 to the interleaved coordinate by
/// filling the other coordinate's bits so the carry passes through them.
void move(hash_bits& h, bool longitude, int d) {
  constexpr uint64_t odd = 0xaaaaaaaaaaaaaaaaULL, even = 0x5555555555555555ULL;
  uint64_t own_mask = longitude ? odd : even, other_mask = longitude ? even : odd;
  uint64_t own = h.bits & own_mask, other = h.bits & other_mask;
  int shift = 64 - h.step * 2;
  uint64_t zz = other_mask >> shift;
  if (d > 0) {
    own = own + (zz + 1);
  } else {
    own = own | zz;
    own = own - (zz + 1);
  }
  own &= own_mask >> shift;
  h.bits = own | other;
}

hash_bits moved(hash_bits h, int dx, int dy) {
  if (dx != 0)
    move(h, true, dx);
  if (dy != 0)
    move(h, false, dy);
  return h;
}

/// How many bits per coordinate make a cell about as big as `range_m`
/// around latitude `lat` (fewer near the poles).
int steps_for_radius(double range_m, double lat) {
  if (range_m == 0)
    return step_max;
  int step = 1;
  while (range_m < mercator_max) {
    range_m *= 2;
    ++step;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    --step;
    if (lat > 80 || lat < -80)
      --step;
  }
  return std::clamp(step, 1, step_max);
}

struct bounds {
  double min_lon, min_lat, max_lon, max_lat;
};

/// The box around the shape's centre that contains it.
bounds bounding_box(const shape& s) {
  bool circle = s.type == shape::kind::radius;
  double height = s.conversion * (circle ? s.radius : s.height / 2);
  double width = s.conversion * (circle ? s.radius : s.width / 2);
  const double lat_delta = rad_deg(height / earth_radius_m);
  const double lon_delta_top = rad_deg(width / earth_radius_m / std::cos(deg_rad(s.lat + lat_delta)));
  const double lon_delta_bottom =
      rad_deg(width / earth_radius_m / std::cos(deg_rad(s.lat - lat_delta)));
  // The widest edge is the one nearer the equator.
  bool southern = s.lat < 0;
  double lon_delta = southern ? lon_delta_bottom : lon_delta_top;
  return {s.lon - lon_delta, s.lat - lat_delta, s.lon + lon_delta, s.lat + lat_delta};
}

} // namespace

std::optional<hash_bits> encode(const range& lon_range, const range& lat_range, double lon,
                                double lat, int step) {
  if (step > 32 || step == 0)
    return std::nullopt;
  if (lat_range.max - lat_range.min == 0 || lon_range.max - lon_range.min == 0)
    return std::nullopt;
  if (lon > lon_max || lon < lon_min || lat > lat_max || lat < lat_min)
    return std::nullopt;
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max)
    return std::nullopt;
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  uint64_t bits = spread(static_cast<uint32_t>(lat_offset)) |
                  (spread(static_cast<uint32_t>(lon_offset)) << 1);
  return hash_bits{bits, static_cast<uint8_t>(step)};
}

std::optional<hash_bits> encode_wgs84(double lon, double lat, int step) {
  return encode(wgs84_lon, wgs84_lat, lon, lat, step);
}

area decode(const range& lon_range, const range& lat_range, hash_bits hash) {
  uint32_t ilat = squash(hash.bits), ilon = squash(hash.bits >> 1);
  double lat_scale = lat_range.max - lat_range.min;
  double lon_scale = lon_range.max - lon_range.min;
  double cells = static_cast<double>(1ULL << hash.step);
  area a;
  a.hash = hash;
  a.latitude.min = lat_range.min + (ilat * 1.0 / cells) * lat_scale;
  a.latitude.max = lat_range.min + ((ilat + 1) * 1.0 / cells) * lat_scale;
  a.longitude.min = lon_range.min + (ilon * 1.0 / cells) * lon_scale;
  a.longitude.max = lon_range.min + ((ilon + 1) * 1.0 / cells) * lon_scale;
  return a;
}

lon_lat decode_score(double score) {
  hash_bits h{static_cast<uint64_t>(score), step_max};
  area a = decode(wgs84_lon, wgs84_lat, h);
  double lon = (a.longitude.min + a.longitude.max) / 2;
  double lat = (a.latitude.min + a.latitude.max) / 2;
  return {std::clamp(lon, lon_min, lon_max), std::clamp(lat, lat_min, lat_max)};
}

uint64_t score_of(double lon, double lat) {
  auto h = encode_wgs84(lon, lat);
  return h ? h->bits : 0;
}

std::string geohash_string(double score) {
  static constexpr char alphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  lon_lat p = decode_score(score);
  auto h = encode({-180, 180}, {-90, 90}, p.lon, p.lat, step_max);
  uint64_t bits = h ? h->bits : 0;
  std::string out(11, '0');
  for (int i = 0; i < 10; ++i)
    out[static_cast<size_t>(i)] = alphabet[(bits >> (52 - (i + 1) * 5)) & 0x1f];
  return out;
}

double distance(double lon1, double lat1, double lon2, double lat2) {
  double lat1r = deg_rad(lat1), lon1r = deg_rad(lon1);
  double lat2r = deg_rad(lat2), lon2r = deg_rad(lon2);
  double u = std::sin((lat2r - lat1r) / 2);
  double v = std::sin((lon2r - lon1r) / 2);
  return 2.0 * earth_radius_m * std::asin(std::sqrt(u * u + std::cos(lat1r) * std::cos(lat2r) * v * v));
}

std::optional<double> distance_if_inside(const shape& s, double lon, double lat) {
  if (s.type == shape::kind::radius) {
    double d = distance(s.lon, s.lat, lon, lat);
    if (d > s.radius * s.conversion)
      return std::nullopt;
    return d;
  }
  // Redis 7.0 measures the east-west extent at the point's latitude (a box
  // narrows towards the poles) and the north-south one on its meridian.
  // Both must hold, so the second is skipped when the first fails.
  // The two legs are distance() with one coordinate shared, written out so
  // that the terms that are exactly zero (sin 0) or repeated (the same
  // cosine twice) cost nothing; the results are bit for bit distance()'s.
  double width = s.width * s.conversion, height = s.height * s.conversion;
  double u = std::sin((deg_rad(s.lat) - deg_rad(lat)) / 2);
  if (2.0 * earth_radius_m * std::asin(std::sqrt(u * u)) > height / 2)
    return std::nullopt;
  double c = std::cos(deg_rad(lat));
  double v = std::sin((deg_rad(s.lon) - deg_rad(lon)) / 2);
  if (2.0 * earth_radius_m * std::asin(std::sqrt(0.0 + c * c * v * v)) > width / 2)
    return std::nullopt;
  return distance(s.lon, s.lat, lon, lat);
}

std::array<hash_bits, 9> search_cells(const shape& s) {
  bounds b = bounding_box(s);
  double radius_m = s.type == shape::kind::radius
                        ? s.radius
                        : std::sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radius_m *= s.conversion;
  int steps = steps_for_radius(radius_m, s.lat);

  hash_bits centre;
  area a;
  std::array<hash_bits, 9> cells;
  auto place = [&](int st) {
    centre = encode(wgs84_lon, wgs84_lat, s.lon, s.lat, st).value_or(hash_bits{});
    a = decode(wgs84_lon, wgs84_lat, centre);
    cells = {centre,           moved(centre, 0, 1),  moved(centre, 0, -1),
             moved(centre, 1, 0), moved(centre, -1, 0), moved(centre, 1, 1),
             moved(centre, -1, 1), moved(centre, 1, -1), moved(centre, -1, -1)};
  };
  place(steps);

  // Near the edge of the centre cell a neighbour may not reach the far end
  // of the search area: then one step coarser.
  area north = decode(wgs84_lon, wgs84_lat, cells[1]);
  area south = decode(wgs84_lon, wgs84_lat, cells[2]);
  area east = decode(wgs84_lon, wgs84_lat, cells[3]);
  area west = decode(wgs84_lon, wgs84_lat, cells[4]);
  bool decrease = north.latitude.max < b.max_lat || south.latitude.min > b.min_lat ||
                  east.longitude.max < b.max_lon || west.longitude.min > b.min_lon;
  if (steps > 1 && decrease)
    place(--steps);

  // Drop the neighbours the search area does not reach.
  enum { c, n, so, e, w, ne, nw, se, sw };
  if (steps >= 2) {
    if (a.latitude.min < b.min_lat)
      cells[so] = cells[sw] = cells[se] = hash_bits{};
    if (a.latitude.max > b.max_lat)
      cells[n] = cells[ne] = cells[nw] = hash_bits{};
    if (a.longitude.min < b.min_lon)
      cells[w] = cells[sw] = cells[nw] = hash_bits{};
    if (a.longitude.max > b.max_lon)
      cells[e] = cells[se] = cells[ne] = hash_bits{};
  }
  return cells;
}

range score_range_of(hash_bits cell) {
  int shift = 52 - cell.step * 2;
  return {static_cast<double>(cell.bits << shift), static_cast<double>((cell.bits + 1) << shift)};
}

std::optional<double> unit_to_meters(std::string_view unit) {
  if (iequals(unit, "m"))
    return 1;
  if (iequals(unit, "km"))
    return 1000;
  if (iequals(unit, "ft"))
    return 0.3048;
  if (iequals(unit, "mi"))
    return 1609.34;
  return std::nullopt;
}

} // namespace actis::datatypes::geo
