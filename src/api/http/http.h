// The HTTP layer of the Counterfoil API in one include: request and response
// values with problem+json errors (message.h), the router (router.h), the
// Beast server (server.h), the HTTP client used for webhooks (client.h), the
// per-key rate limiter (rate_limiter.h) and Prometheus metrics (metrics.h).
//
//   #include "api/http/http.h"
//   namespace http = counterfoil::api::http;
//   http::Router router;
//   router.Add("GET", "/v1/notices/{id}", GetNotice);
//   http::Server server({}, [&](http::Request& req) { return router.Dispatch(req); });
//   RETURN_IF_ERROR(server.Start());
#pragma once

#include "api/http/client.h"
#include "api/http/message.h"
#include "api/http/metrics.h"
#include "api/http/rate_limiter.h"
#include "api/http/router.h"
#include "api/http/server.h"
