// One question to several actors (every partition, every loop manager),
// answered once with all the answers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include "actors/watchdog.hpp"

namespace actis::actors {

/// Which target did not answer, and why (`index` < 0: every one did).
struct fan_out_failure {
  int index = -1;
  std::string why;
};

/// Sends `msg` to every actor of `targets` and calls `done` once, after the
/// last answer or error, with the answers in target order (T{} for a target
/// that failed; the last failure is reported). For the rare requests that
/// need every loop (INFO, DBSIZE, CLIENT LIST/KILL, CONFIG RESETSTAT), so a
/// CAF request timeout is fine here. Thread: `self`'s.
template <class T, class Self, class... Ts>
void ask_all(Self* self, const std::vector<caf::actor>& targets,
             std::function<void(std::vector<T>&, const fan_out_failure&)> done,
             const Ts&... msg) {
  struct state {
    std::vector<T> answers;
    size_t left;
    fan_out_failure failure;
    std::function<void(std::vector<T>&, const fan_out_failure&)> done;
  };
  auto st = std::make_shared<state>(
      state{std::vector<T>(targets.size()), targets.size(), {}, std::move(done)});
  auto one_done = [st] {
    if (--st->left == 0)
      st->done(st->answers, st->failure);
  };
  for (size_t i = 0; i < targets.size(); ++i)
    self->request(targets[i], cross_loop_timeout, msg...)
        .then(
            [st, i, one_done](T& answer) {
              st->answers[i] = std::move(answer);
              one_done();
            },
            [st, i, one_done](caf::error& err) {
              st->failure = fan_out_failure{static_cast<int>(i), caf::to_string(err)};
              one_done();
            });
}

} // namespace actis::actors
