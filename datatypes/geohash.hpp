// Redis's geohash: longitude and latitude as one 52-bit integer (26 bits
// each, interleaved: latitude in the even bits, longitude in the odd), the
// score of a GEO member in its sorted set. Also the search geometry Redis
// uses: the neighbour cells, the cells covering a radius or box, haversine
// distances on a sphere of radius 6372797.560856 m. The floating-point
// steps follow Redis's order so that both servers find the same members
// and print the same digits. Plain C++, no CAF.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actis::datatypes::geo {

inline constexpr double lon_min = -180, lon_max = 180;
/// Redis's latitude limits (the Web Mercator square).
inline constexpr double lat_min = -85.05112878, lat_max = 85.05112878;
inline constexpr int step_max = 26;
inline constexpr double earth_radius_m = 6372797.560856;

struct range {
  double min, max;
};

struct hash_bits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool is_zero() const { return bits == 0 && step == 0; }
};

struct area {
  hash_bits hash;
  range longitude, latitude;
};

/// Encodes (lon, lat) at `step` bits per coordinate over the given ranges;
/// nullopt outside Redis's limits (lon_*, lat_*) or for a bad step.
std::optional<hash_bits> encode(const range& lon_range, const range& lat_range, double lon,
                                double lat, int step);
/// Over Redis's ranges (-180..180, -85.05..85.05).
std::optional<hash_bits> encode_wgs84(double lon, double lat, int step = step_max);
/// The cell `hash` stands for.
area decode(const range& lon_range, const range& lat_range, hash_bits hash);

struct lon_lat {
  double lon, lat;
};
/// The centre of a GEO score's cell (clamped to the limits), as GEOPOS shows it.
lon_lat decode_score(double score);
/// The score GEOADD stores for (lon, lat) (within the limits).
uint64_t score_of(double lon, double lat);

/// GEOHASH's 11-character base32 string of a score (re-encoded over the
/// standard -90..90 latitude range; the 11th character is always '0').
std::string geohash_string(double score);

/// Great-circle distance in metres (haversine, Redis's formula).
double distance(double lon1, double lat1, double lon2, double lat2);

/// A search area: a circle (radius) or an axis-aligned box (width, height),
/// in the unit given by `conversion` metres, around (lon, lat).
struct shape {
  enum class kind : uint8_t { radius, box };
  kind type = kind::radius;
  double lon = 0, lat = 0;
  double conversion = 1;
  double radius = 0;
  double width = 0, height = 0;
};

/// The distance in metres of (lon, lat) from the centre if it lies inside
/// `s`, else nullopt.
std::optional<double> distance_if_inside(const shape& s, double lon, double lat);

/// The nine cells to scan for `s`, in Redis's order (centre, N, S, E, W, NE,
/// NW, SE, SW); a useless one is zero. Adjacent duplicates are for the
/// caller to skip (see cells_to_scan).
std::array<hash_bits, 9> search_cells(const shape& s);

/// The score range [min, max) of the members inside `cell`.
range score_range_of(hash_bits cell);

/// Metres per unit ("m", "km", "ft", "mi", case-insensitive); nullopt for
/// another unit.
std::optional<double> unit_to_meters(std::string_view unit);

} // namespace actis::datatypes::geo
