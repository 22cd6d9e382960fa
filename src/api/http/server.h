// Server: the HTTP/1.1 server behind the API and the console, on Boost.Beast.
//
//   Router router;
//   router.Add("GET", "/healthz", [](Request&) { return Response::Text(200, "ok"); });
//   Server server({.port = 0}, [&](Request& req) { return router.Dispatch(req); });
//   RETURN_IF_ERROR(server.Start());
//   spdlog::info("listening on {}", server.port());
//   ...
//   server.Stop();  // or let the destructor do it
//
// Threads: `io_threads` run the sockets (accept, parse, write); each parsed
// request goes to a pool of `worker_threads` that calls the handler, which may
// block (handlers wait for durable commits), and the response goes back to its
// connection to be written. Connections are persistent (HTTP/1.1 keep-alive,
// pipelined requests are answered in order) and handle one request at a time.
//
// Protocol errors never reach the handler; the server answers them with
// problem+json and closes the connection:
//   400 unparsable request or request target, missing or repeated Host,
//   Transfer-Encoding other than chunked, conflicting Content-Length/
//   Transfer-Encoding framing (request smuggling); 413 body larger than
//   max_body_bytes, 431 header section larger than 64 KiB.
// (A bad percent escape in the target is a 400 too, but the connection stays
// open: its framing is sound.) A handler that throws gets a 500 problem (the
// exception is logged), as does a handler that returns a status outside
// 200..599. "Expect: 100-continue" is
// honoured. HEAD responses carry the headers of the GET response, no body.
// Every response gets Content-Length, Date, Cache-Control: no-store and
// X-Content-Type-Options: nosniff unless the handler set them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http/message.h"
#include "api/http/router.h"
#include "common/status.h"

namespace counterfoil::api::http {

struct ServerOptions {
  std::string address = "127.0.0.1";  // an IP address, or a host name resolved at Start()
  uint16_t port = 8080;                // 0 = pick a free port
  int io_threads = 2;
  int worker_threads = 32;             // handlers run here and MAY BLOCK
  size_t max_body_bytes = 16 << 20;    // larger bodies -> 413 problem+json, connection closed
  // Limit for receiving one whole request, and for an idle keep-alive
  // connection; also bounds writing one response.
  std::chrono::seconds read_timeout{30};
};

class Server {
 public:
  // `handler` sees every well-formed request (normally a Router dispatch
  // wrapped in middleware). It must be thread-safe: it runs on many worker
  // threads at once.
  Server(ServerOptions opts, Handler handler);
  ~Server();  // calls Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the threads. Returns kUnavailable with the
  // reason if the address cannot be bound, kInvalidArgument for an
  // unresolvable address or non-positive thread counts, kFailedPrecondition
  // if called twice.
  Status Start();

  // The bound port (useful with port 0); 0 before a successful Start().
  uint16_t port() const;

  // Stops accepting, closes idle connections, lets in-flight requests finish
  // and their responses be written (with "Connection: close"), then joins all
  // threads. Blocks until then, so a handler that never returns blocks Stop().
  // Idempotent; safe to call from any thread other than a handler's.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace counterfoil::api::http
