// Redis's geohash: known scores and strings, encode/decode round trips
// within a cell, neighbours, distances and the search cells; the GEO
// searches against a scan of every member.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "commands/geo_ops.hpp"
#include "datatypes/geohash.hpp"
#include "ops_fixture.hpp"

namespace geo = actis::datatypes::geo;

TEST_CASE("geohash: known scores, strings and distances (Redis's GEOADD examples)") {
  CHECK(geo::score_of(13.361389, 38.115556) == 3479099956230698ULL);
  CHECK(geo::score_of(15.087269, 37.502669) == 3479447370796909ULL);
  CHECK(geo::geohash_string(3479099956230698.0) == "sqc8b49rny0");
  CHECK(geo::geohash_string(3479447370796909.0) == "sqdtr74hyu0");
  auto p = geo::decode_score(3479099956230698.0);
  CHECK(std::fabs(p.lon - 13.36138933897018433) < 1e-12);
  CHECK(std::fabs(p.lat - 38.11555639549629859) < 1e-12);
  auto q = geo::decode_score(3479447370796909.0);
  double d = geo::distance(p.lon, p.lat, q.lon, q.lat);
  CHECK(std::fabs(d - 166274.1516) < 1e-3);
  CHECK(geo::distance(1, 2, 1, 2) == 0);
}

TEST_CASE("geohash: limits and units") {
  CHECK_FALSE(geo::encode_wgs84(180.1, 0));
  CHECK_FALSE(geo::encode_wgs84(0, 85.06));
  CHECK_FALSE(geo::encode_wgs84(0, -85.06));
  CHECK(geo::encode_wgs84(-180, -85.05112878));
  CHECK(geo::unit_to_meters("KM") == 1000);
  CHECK(geo::unit_to_meters("mi") == 1609.34);
  CHECK(geo::unit_to_meters("ft") == 0.3048);
  CHECK(geo::unit_to_meters("M") == 1);
  CHECK_FALSE(geo::unit_to_meters("yd"));
}

TEST_CASE("geohash: encode/decode round trips stay inside the cell") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> lon(-180, 180), lat(geo::lat_min, geo::lat_max);
  for (int i = 0; i < 20000; ++i) {
    double x = lon(rng), y = lat(rng);
    uint64_t score = geo::score_of(x, y);
    CHECK(score < (1ULL << 52));
    auto p = geo::decode_score(static_cast<double>(score));
    // A 26-bit cell is 360/2^26 degrees wide and 170/2^26 high.
    CHECK(std::fabs(p.lon - x) <= 360.0 / (1 << 26));
    CHECK(std::fabs(p.lat - y) <= 171.0 / (1 << 26));
    CHECK(geo::score_of(p.lon, p.lat) == score);
    auto cell = *geo::encode_wgs84(x, y, 10);
    auto r = geo::score_range_of(cell);
    CHECK(static_cast<double>(score) >= r.min);
    CHECK(static_cast<double>(score) < r.max);
  }
}

TEST_CASE("geohash: neighbours and search cells cover the search area") {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lon(-170, 170), lat(-70, 70), off(-1, 1);
  for (int i = 0; i < 300; ++i) {
    geo::shape s;
    s.lon = lon(rng);
    s.lat = lat(rng);
    s.radius = 50 + (rng() % 200000);
    auto cells = geo::search_cells(s);
    CHECK_FALSE(cells[0].is_zero());
    // Every point inside the circle lies in one of the cells.
    for (int k = 0; k < 50; ++k) {
      double px = s.lon + off(rng) * s.radius / 111000 / std::cos(s.lat * M_PI / 180);
      double py = s.lat + off(rng) * s.radius / 111000;
      if (!geo::distance_if_inside(s, px, py))
        continue;
      double score = static_cast<double>(geo::score_of(px, py));
      bool covered = false;
      for (auto& c : cells)
        if (!c.is_zero()) {
          auto r = geo::score_range_of(c);
          covered = covered || (score >= r.min && score < r.max);
        }
      CHECK(covered);
    }
  }
}

TEST_CASE("geohash: box membership is distance()'s test on both legs") {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> lon(-179, 179), lat(-84, 84), off(-3, 3);
  for (int i = 0; i < 20000; ++i) {
    geo::shape s;
    s.type = geo::shape::kind::box;
    s.lon = lon(rng);
    s.lat = lat(rng);
    s.width = 1000 + static_cast<double>(rng() % 400000);
    s.height = 1000 + static_cast<double>(rng() % 400000);
    double x = std::clamp(s.lon + off(rng), -180.0, 180.0);
    double y = std::clamp(s.lat + off(rng), geo::lat_min, geo::lat_max);
    bool inside = geo::distance(x, y, s.lon, y) <= s.width / 2 &&
                  geo::distance(x, y, x, s.lat) <= s.height / 2;
    auto d = geo::distance_if_inside(s, x, y);
    CHECK(d.has_value() == inside);
    if (d)
      CHECK(*d == geo::distance(s.lon, s.lat, x, y));
  }
}

TEST_CASE("geo ops: searches find exactly the members a scan of the whole set finds") {
  using namespace actis::commands;
  ops_test::world w;
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> lon(-20, 20), lat(30, 70);
  std::vector<std::string> names;
  std::vector<geo_add_element> elements;
  for (int i = 0; i < 3000; ++i)
    names.push_back("p" + std::to_string(i));
  for (int i = 0; i < 3000; ++i)
    elements.push_back({{lon(rng), lat(rng)}, names[static_cast<size_t>(i)]});
  REQUIRE(op_geoadd(w.ks, 0, "g", {}, elements)->added == 3000);
  auto z = op_geo_source(w.ks, 0, "g");
  REQUIRE(z.ok());
  REQUIRE(*z != nullptr);
  for (int round = 0; round < 200; ++round) {
    geo::shape s;
    s.lon = lon(rng);
    s.lat = lat(rng);
    s.conversion = 1000;
    if (round % 2 == 0) {
      s.radius = 1 + static_cast<double>(rng() % 1500);
    } else {
      s.type = geo::shape::kind::box;
      s.width = 1 + static_cast<double>(rng() % 2500);
      s.height = 1 + static_cast<double>(rng() % 2500);
    }
    std::set<std::string> expected;
    for (const auto& e : elements) {
      auto p = geo::decode_score(static_cast<double>(geo::score_of(e.where.lon, e.where.lat)));
      if (geo::distance_if_inside(s, p.lon, p.lat))
        expected.insert(std::string(e.member));
    }
    auto found = geo_search(**z, s, geo_sort::asc, 0, false);
    std::set<std::string> got;
    for (size_t i = 0; i < found.size(); ++i) {
      got.insert(found[i].member);
      if (i > 0)
        CHECK(found[i - 1].distance <= found[i].distance);
    }
    CHECK(got.size() == found.size());
    CHECK(got == expected);
    auto limited = geo_search(**z, s, geo_sort::none, 5, true);
    CHECK(limited.size() == std::min<size_t>(5, expected.size()));
  }
  auto d = op_geodist(w.ks, 0, "g", "p1", "p2");
  REQUIRE(d.ok());
  CHECK(op_geodist(w.ks, 0, "g", "p1", "nope").status() == op_status::nil);
  w.put("s", "x");
  CHECK(op_geo_source(w.ks, 0, "s").status() == op_status::wrong_type);
}
