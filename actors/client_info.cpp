#include "actors/client_info.hpp"

#include <algorithm>

namespace actis::actors {

std::string client_info::describe(int64_t now_ms) const {
  auto age = (now_ms - created_ms) / 1000;
  auto idle = (now_ms - last_interaction_ms) / 1000;
  std::string s;
  s.reserve(256);
  s += "id=" + std::to_string(id);
  s += " addr=" + addr;
  s += " laddr=" + laddr;
  s += " fd=" + std::to_string(fd);
  s += " name=" + name;
  s += " age=" + std::to_string(age);
  s += " idle=" + std::to_string(idle);
  // Redis's flag letters in its order: P (pub/sub), x (in MULTI), b (blocked).
  s += " flags=";
  if (subscribed())
    s += 'P';
  if (multi >= 0)
    s += 'x';
  if (blocked)
    s += 'b';
  if (multi < 0 && !blocked && !subscribed())
    s += 'N';
  s += " db=" + std::to_string(db);
  s += " sub=" + std::to_string(sub) + " psub=" + std::to_string(psub)
       + " ssub=" + std::to_string(ssub) + " multi=" + std::to_string(multi);
  s += " qbuf=" + std::to_string(qbuf);
  s += " qbuf-free=0 argv-mem=0 multi-mem=0 rbs=65536 rbp=0 obl=0 oll=0 omem=" + std::to_string(obuf);
  s += " tot-mem=" + std::to_string(qbuf + obuf);
  s += " events=r cmd=" + last_cmd;
  s += " user=default redir=-1 resp=" + std::to_string(resp);
  s += '\n';
  return s;
}

bool matches(const client_info& c, const client_filter& f) {
  if (f.skip_id != 0 && c.id == f.skip_id)
    return false;
  if (!f.ids.empty() && std::find(f.ids.begin(), f.ids.end(), c.id) == f.ids.end())
    return false;
  if (!f.addr.empty() && c.addr != f.addr)
    return false;
  if (!f.laddr.empty() && c.laddr != f.laddr)
    return false;
  return f.type.empty() || f.type == (c.subscribed() ? "pubsub" : "normal");
}

} // namespace actis::actors
