#include "api/http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace counterfoil::api::http {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

// Nginx's default large_client_header_buffers is 4 x 8 KiB; 64 KiB leaves room
// for long cookies and bearer tokens while bounding memory per connection.
constexpr size_t kHeaderLimit = 64 * 1024;
// How long a closing connection keeps reading (and discarding) what the client
// still sends, so that the client sees our final response instead of a reset
// (the "lingering close" of RFC 9112 section 9.6).
constexpr std::chrono::seconds kMaxLinger{5};
// Pause before accepting again after an accept error such as EMFILE.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

// RFC 9110 section 5.6.7 IMF-fixdate, independent of the C locale.
std::string HttpDate() {
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Header names are RFC 9110 tokens; values may not contain CR, LF or NUL
// (which would let a handler's data inject headers).
bool IsValidHeader(std::string_view name, std::string_view value) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string RemoteIp(const tcp::socket& socket) {
  beast::error_code ec;
  tcp::endpoint ep = socket.remote_endpoint(ec);
  if (ec) return {};
  net::ip::address a = ep.address();
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6()).to_string();
  }
  return a.to_string();
}

class Session;

// State shared by the Server, its listener and its sessions.
struct Core {
  ServerOptions opts;
  Handler handler;
  net::thread_pool* pool = nullptr;  // outlives every session (Stop() joins it after them)
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // GUARDED_BY(mu)
  int live = 0;  // the listener and the sessions still alive; GUARDED_BY(mu)


  // Calls the handler on a worker thread, turning exceptions and impossible
  // statuses into a 500 problem.
  Response Invoke(Request& req) {
    try {
      Response r = handler(req);
      if (r.status < 200 || r.status > 599) {
        spdlog::error("handler for {} {} returned HTTP status {}", req.method, req.path, r.status);
        return ProblemResponse(500, "internal", "An internal error occurred; it has been logged.",
                               req.path);
      }
      return r;
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} threw: {}", req.method, req.path, e.what());
    } catch (...) {
      spdlog::error("handler for {} {} threw a non-standard exception", req.method, req.path);
    }
    return ProblemResponse(500, "internal", "An internal error occurred; it has been logged.",
                           req.path);
  }
};

// Counts an object in Core::live for as long as it exists. Declared as the
// first member of its owner, so it is destroyed last and Stop() cannot see
// zero while the owner is still tearing down its socket.
class LiveRef {
 public:
  LiveRef(std::shared_ptr<Core> core, Session* session)
      : core_(std::move(core)), session_(session) {
    std::lock_guard<std::mutex> lock(core_->mu);
    ++core_->live;
  }
  ~LiveRef() {
    std::lock_guard<std::mutex> lock(core_->mu);
    if (session_) core_->sessions.erase(session_);
    if (--core_->live == 0) core_->cv.notify_all();
  }
  LiveRef(const LiveRef&) = delete;
  LiveRef& operator=(const LiveRef&) = delete;

 private:
  std::shared_ptr<Core> core_;
  Session* session_;
};

// One connection. Every member is used on the connection's strand only,
// except core_, which the worker thread running the handler also uses.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Core> core)
      : live_(core, this),
        remote_ip_(RemoteIp(socket)),
        stream_(std::move(socket)),
        core_(std::move(core)) {}

  void Start() {
    {
      std::lock_guard<std::mutex> lock(core_->mu);
      core_->sessions.emplace(this, weak_from_this());
    }
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

  // Called on the strand when the server stops: idle or closing connections
  // close now; a connection whose request is being handled closes after its
  // response is written (Write() sees core_->stopping).
  void OnServerStop() {
    if (state_ == State::kReading || state_ == State::kClosing) stream_.close();
  }

  beast::tcp_stream::executor_type executor() { return stream_.get_executor(); }

 private:
  enum class State { kReading, kHandling, kWriting, kClosing };

  void DoRead() {
    if (core_->stopping) {
      stream_.close();
      return;
    }
    state_ = State::kReading;
    parser_.emplace();
    parser_->body_limit(core_->opts.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(kHeaderLimit));
    stream_.expires_after(core_->opts.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    const auto& req = parser_->get();
    // RFC 9112 section 3.2: exactly one Host in HTTP/1.1, at most one before.
    size_t hosts = req.count(bhttp::field::host);
    if (hosts > 1 || (hosts == 0 && req.version() >= 11)) {
      return WriteError(ProblemResponse(
          InvalidArgument("an HTTP/1.1 request needs exactly one Host header").WithReason("malformed"),
          std::string(req.target())));
    }
    // RFC 9112 section 6.3: when chunked is not the final transfer coding the
    // body length is unknown, and guessing it is how requests get smuggled.
    if (req.count(bhttp::field::transfer_encoding) > 0 && !parser_->chunked()) {
      return WriteError(ProblemResponse(
          InvalidArgument("unsupported Transfer-Encoding; only chunked is accepted")
              .WithReason("malformed"),
          std::string(req.target())));
    }
    // RFC 9110 section 10.1.1: a client that sent "Expect: 100-continue"
    // waits for an interim response before sending the body.
    if (req.version() >= 11 && !parser_->is_done() &&
        EqualsIgnoreCase(req[bhttp::field::expect], "100-continue")) {
      continue_ = bhttp::response<bhttp::empty_body>(bhttp::status::continue_, req.version());
      bhttp::async_write(stream_, continue_,
                         beast::bind_front_handler(&Session::OnContinue, shared_from_this()));
      return;
    }
    DoReadBody();
  }

  void OnContinue(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    DoReadBody();
  }

  void DoReadBody() {
    if (parser_->is_done()) return Handle();
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    Handle();
  }

  void OnReadError(beast::error_code ec) {
    std::string instance;
    if (parser_ && parser_->is_header_done()) instance = std::string(parser_->get().target());
    if (ec == bhttp::error::body_limit) {
      return WriteError(ProblemResponse(
          ResourceExhausted("request body exceeds " + std::to_string(core_->opts.max_body_bytes) +
                            " bytes")
              .WithReason("too_large"),
          instance));
    }
    if (ec == bhttp::error::header_limit) {
      return WriteError(ProblemResponse(
          431, "headers_too_large",
          "request header section exceeds " + std::to_string(kHeaderLimit) + " bytes", instance));
    }
    // end_of_stream: the client closed between requests; partial_message: it
    // closed mid-request. Neither can receive an answer.
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return WriteError(ProblemResponse(
          InvalidArgument("malformed HTTP request: " + ec.message()).WithReason("malformed"),
          instance));
    }
    // Timeouts, resets, and closes done by Stop().
    stream_.close();
  }

  void Handle() {
    state_ = State::kHandling;
    stream_.expires_never();
    bhttp::request<bhttp::string_body> msg = parser_->release();
    parser_.reset();

    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    const bool keep_alive = msg.keep_alive();
    const bool head = msg.method() == bhttp::verb::head;
    const unsigned version = msg.version();
    Status target_ok = ParseTarget(req.target, &req.path, &req.query);
    if (!target_ok.ok()) {
      // The message framing was fine, so the connection can stay open.
      return Write(ProblemResponse(target_ok, ""), keep_alive, head, version);
    }
    req.headers.reserve(std::distance(msg.begin(), msg.end()));
    for (const auto& field : msg) {
      req.headers.emplace_back(AsciiLower(field.name_string()), std::string(field.value()));
    }
    req.body = std::move(msg.body());
    req.remote_ip = remote_ip_;

    net::post(*core_->pool, [self = shared_from_this(), req = std::move(req), keep_alive, head,
                             version]() mutable {
      Response r = self->core_->Invoke(req);
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r), keep_alive, head, version]() mutable {
                  self->Write(std::move(r), keep_alive, head, version);
                });
    });
  }

  // Writes a protocol-error response and closes.
  void WriteError(Response r) { Write(std::move(r), /*keep_alive=*/false, false, 11); }

  void Write(Response r, bool keep_alive, bool head, unsigned version) {
    state_ = State::kWriting;
    bool close = !keep_alive || core_->stopping;
    res_ = bhttp::response<bhttp::string_body>();
    res_.version(version);
    res_.result(static_cast<unsigned>(r.status));
    bool has_content_type = false, has_cache_control = false, has_nosniff = false,
         has_date = false;
    for (const auto& [name, value] : r.headers) {
      if (!IsValidHeader(name, value)) {
        spdlog::error("dropping invalid response header \"{}\"", name);
        continue;
      }
      if (EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding")) {
        continue;  // the server frames the body itself
      }
      if (EqualsIgnoreCase(name, "connection")) {
        if (AsciiLower(value).find("close") != std::string::npos) close = true;
        continue;
      }
      has_content_type |= EqualsIgnoreCase(name, "content-type");
      has_cache_control |= EqualsIgnoreCase(name, "cache-control");
      has_nosniff |= EqualsIgnoreCase(name, "x-content-type-options");
      has_date |= EqualsIgnoreCase(name, "date");
      res_.insert(name, value);
    }
    // RFC 9110 sections 8.6 and 15.3.5: no Content-Length and no body for 204/304.
    const bool bodiless = r.status == 204 || r.status == 304;
    if (!has_content_type && !r.content_type.empty() && !bodiless) {
      res_.set(bhttp::field::content_type, r.content_type);
    }
    if (!has_cache_control) res_.set(bhttp::field::cache_control, "no-store");
    if (!has_nosniff) res_.set("X-Content-Type-Options", "nosniff");
    if (!has_date) res_.set(bhttp::field::date, HttpDate());
    if (!bodiless) {
      res_.content_length(r.body.size());
      if (!head) res_.body() = std::move(r.body);  // HEAD: GET's headers, no body
    }
    res_.keep_alive(!close);

    stream_.expires_after(core_->opts.read_timeout);
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&Session::OnWrite, shared_from_this(), close));
  }

  void OnWrite(bool close, beast::error_code ec, size_t) {
    res_ = {};
    if (ec) {
      stream_.close();
      return;
    }
    if (close) return Linger();
    DoRead();
  }

  // Half-closes, then drains input until the client closes or kMaxLinger
  // passes, so that unread request bytes do not turn our close into a reset
  // that destroys the response in flight.
  void Linger() {
    state_ = State::kClosing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || core_->stopping) {
      stream_.close();
      return;
    }
    stream_.expires_after(std::min<std::chrono::steady_clock::duration>(
        kMaxLinger, core_->opts.read_timeout));
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(net::buffer(drain_),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) {
                                self->stream_.close();
                                return;
                              }
                              self->DrainSome();
                            });
  }

  LiveRef live_;
  std::string remote_ip_;
  beast::tcp_stream stream_;
  std::shared_ptr<Core> core_;
  State state_ = State::kReading;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::empty_body> continue_;
  bhttp::response<bhttp::string_body> res_;
  std::array<char, 4096> drain_;
};

// Accepts connections on one strand and starts a Session for each.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor acceptor, std::shared_ptr<Core> core)
      : live_(core, nullptr),
        ioc_(ioc),
        acceptor_(std::move(acceptor)),
        retry_timer_(acceptor_.get_executor()),
        core_(std::move(core)) {}

  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  // Posts the close to the listener's strand.
  void Close() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      self->closed_ = true;
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_timer_.cancel();
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (closed_ || core_->stopping) return;  // the socket closes as it goes out of scope
    if (ec) {
      if (ec == net::error::operation_aborted) return;
      spdlog::warn("http server: accept failed: {}", ec.message());
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && !self->closed_) self->Accept();
      });
      return;
    }
    beast::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);  // responses are small and latency-bound
    std::make_shared<Session>(std::move(socket), core_)->Start();
    Accept();
  }

  LiveRef live_;
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  std::shared_ptr<Core> core_;
  bool closed_ = false;
};

}  // namespace

struct Server::Impl {
  enum class State { kNew, kRunning, kStopped };

  std::mutex mu;  // serialises Start() and Stop()
  State state = State::kNew;
  std::shared_ptr<Core> core = std::make_shared<Core>();
  uint16_t port = 0;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::unique_ptr<net::thread_pool> pool;
  std::vector<std::thread> io_threads;
  std::weak_ptr<Listener> listener;

  void RunIo() {
    // Completion handlers do not throw; this loop only guards against a bug
    // (or bad_alloc) taking the whole server down.
    while (true) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http server: uncaught exception on an I/O thread: {}", e.what());
      }
    }
  }
};

Server::Server(ServerOptions opts, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->core->opts = std::move(opts);
  impl_->core->handler = std::move(handler);
}

Server::~Server() { Stop(); }

uint16_t Server::port() const { return impl_->port; }

Status Server::Start() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->state != Impl::State::kNew) {
    return FailedPrecondition("Server::Start called twice");
  }
  const ServerOptions& opts = impl_->core->opts;
  if (opts.io_threads < 1 || opts.worker_threads < 1) {
    return InvalidArgument("io_threads and worker_threads must be at least 1");
  }

  beast::error_code ec;
  tcp::endpoint endpoint;
  net::ip::address address = net::ip::make_address(opts.address, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, opts.port);
  } else {
    tcp::resolver resolver(impl_->ioc);
    auto results = resolver.resolve(opts.address, std::to_string(opts.port),
                                    tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      return InvalidArgument("cannot resolve listen address \"" + opts.address +
                             "\": " + (ec ? ec.message() : std::string("no addresses")));
    }
    endpoint = results.begin()->endpoint();
  }
  std::string where = opts.address + ":" + std::to_string(opts.port);

  tcp::acceptor acceptor(net::make_strand(impl_->ioc));
  if (acceptor.open(endpoint.protocol(), ec); ec) {
    return Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  // Lets a restarted server bind while old connections sit in TIME_WAIT; on
  // Linux it does not allow two listeners on one port.
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (acceptor.bind(endpoint, ec); ec) {
    return Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) {
    return Unavailable("cannot listen on " + where + ": " + ec.message());
  }
  impl_->port = acceptor.local_endpoint(ec).port();

  impl_->pool = std::make_unique<net::thread_pool>(opts.worker_threads);
  impl_->core->pool = impl_->pool.get();
  auto listener = std::make_shared<Listener>(impl_->ioc, std::move(acceptor), impl_->core);
  impl_->listener = listener;
  listener->Accept();
  impl_->work.emplace(impl_->ioc.get_executor());
  for (int i = 0; i < opts.io_threads; ++i) {
    impl_->io_threads.emplace_back([impl = impl_.get()] { impl->RunIo(); });
  }
  impl_->state = Impl::State::kRunning;
  return Status::Ok();
}

void Server::Stop() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->state != Impl::State::kRunning) {
    impl_->state = Impl::State::kStopped;
    return;
  }
  Core& core = *impl_->core;
  // Set before notifying anyone: every session re-checks it on its strand
  // before it starts reading, so none can slip past the notifications below.
  core.stopping = true;
  if (auto listener = impl_->listener.lock()) listener->Close();
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard<std::mutex> core_lock(core.mu);
    for (auto& [raw, weak] : core.sessions) {
      if (auto s = weak.lock()) sessions.push_back(std::move(s));
    }
  }
  for (auto& s : sessions) {
    net::post(s->executor(), [s] { s->OnServerStop(); });
  }
  sessions.clear();
  {
    std::unique_lock<std::mutex> core_lock(core.mu);
    core.cv.wait(core_lock, [&] { return core.live == 0; });
  }
  impl_->pool->join();
  impl_->work.reset();
  impl_->ioc.stop();
  for (std::thread& t : impl_->io_threads) t.join();
  impl_->io_threads.clear();
  impl_->pool.reset();
  core.pool = nullptr;
  impl_->state = Impl::State::kStopped;
}

}  // namespace counterfoil::api::http
