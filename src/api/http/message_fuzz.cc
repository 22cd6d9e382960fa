// libFuzzer target for the HTTP layer's own parsers of outside input: request
// targets (path and query decoding), router matching of the raw path, and the
// Cookie header. (Beast parses the HTTP framing and is fuzzed upstream.)
// `make test` replays fuzz_corpus/ plus mutations (http_message_fuzz_replay);
// the clang build (-DCOUNTERFOIL_BUILD_FUZZ=ON) makes the libFuzzer binary.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http/message.h"
#include "api/http/router.h"

namespace {

using counterfoil::api::http::Request;
using counterfoil::api::http::Response;
using counterfoil::api::http::Router;

const Router& FuzzRouter() {
  static const Router* router = [] {
    auto* r = new Router;
    auto echo = [](Request& req) { return Response::Text(200, req.route); };
    r->Add("GET", "/v1/notices", echo);
    r->Add("GET", "/v1/notices/{id}", echo);
    r->Add("GET", "/v1/notices/export", echo);
    r->Add("POST", "/v1/notices/{id}/decision", echo);
    r->Add("GET", "/v1/{kind}/{id}/events", echo);
    return r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  Request req;
  req.method = size > 0 && data[0] % 2 ? "POST" : "GET";
  req.target = std::string(input);
  if (counterfoil::api::http::ParseTarget(input, &req.path, &req.query).ok()) {
    Response r = FuzzRouter().Dispatch(req);
    if (r.status == 200 && r.body != req.route) __builtin_trap();
  }
  req.headers = {{"cookie", std::string(input)}};
  (void)req.Cookie("cf_session");
  (void)counterfoil::api::http::PercentDecode(input, true);
  return 0;
}
