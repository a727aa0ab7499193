// HTTP/1.1 messages (libnet/wire/http.h): parse what curl and nginx put on the wire, emit, and the
// framing rules of RFC 9112 §6.3 (Content-Length, chunked, until close, no body for HEAD/204/304).
#include "libnet/wire/http.h"

#include <gtest/gtest.h>

#include <string>

namespace vpcsim::wire {
namespace {

// What `curl -s http://shop.example/api` sends (curl 7.88).
constexpr std::string_view kCurlGet =
    "GET /api?x=1 HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

TEST(HttpRequest, ParsesCurlsRequest) {
  auto p = parse_http_request(kCurlGet);
  ASSERT_EQ(p.status, HttpParseStatus::complete);
  EXPECT_EQ(p.consumed, kCurlGet.size());
  EXPECT_EQ(p.message.method, "GET");
  EXPECT_EQ(p.message.target, "/api?x=1");
  EXPECT_EQ(p.message.path(), "/api");
  EXPECT_EQ(p.message.header("HOST"), "shop.example");
  EXPECT_TRUE(p.message.keeps_alive());
  EXPECT_EQ(p.message.emit(), kCurlGet);  // emit is the inverse of parse
}

TEST(HttpRequest, IncompleteUntilTheHeadAndTheBodyHaveArrived) {
  const std::string post = "POST /cart HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  for (std::size_t n = 0; n < post.size(); ++n)
    EXPECT_EQ(parse_http_request(std::string_view(post).substr(0, n)).status, HttpParseStatus::incomplete) << n;
  auto p = parse_http_request(post + "GET / HTTP/1.1\r\n\r\n");
  ASSERT_EQ(p.status, HttpParseStatus::complete);
  EXPECT_EQ(p.message.body, "hello");
  EXPECT_EQ(p.consumed, post.size());  // the next request stays in the stream
}

TEST(HttpRequest, ConnectionOptionsDecidePersistence) {
  EXPECT_FALSE(parse_http_request("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").message.keeps_alive());
  EXPECT_FALSE(parse_http_request("GET / HTTP/1.0\r\n\r\n").message.keeps_alive());
  EXPECT_TRUE(parse_http_request("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").message.keeps_alive());
}

TEST(HttpRequest, MalformedInputIsAnErrorWithItsReason) {
  EXPECT_EQ(parse_http_request("GARBAGE\r\n\r\n").error, HttpError::bad_start_line);
  EXPECT_EQ(parse_http_request("GET / HTTP/9\r\n\r\n").error, HttpError::bad_start_line);
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nno colon\r\n\r\n").error, HttpError::bad_header);
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nHost : a\r\n\r\n").error, HttpError::bad_header);
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n").error, HttpError::bad_content_length);
  EXPECT_EQ(parse_http_request("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").error,
            HttpError::bad_content_length);
  EXPECT_EQ(parse_http_request(std::string(kHttpMaxHeadLen + 1, 'a')).error, HttpError::head_too_large);
}

TEST(HttpResponse, ParsesNginxStyleResponseAndEmitsIt) {
  const std::string text =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nhi\n";
  auto p = parse_http_response(text);
  ASSERT_EQ(p.status, HttpParseStatus::complete);
  EXPECT_EQ(p.message.status, 200);
  EXPECT_EQ(p.message.reason, "OK");
  EXPECT_EQ(p.message.body, "hi\n");
  EXPECT_EQ(p.message.emit(), text);
}

TEST(HttpResponse, BodyFramingFollowsRfc9112) {
  // No body for HEAD, 204 and 304 whatever Content-Length says.
  auto head = parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true);
  EXPECT_EQ(head.status, HttpParseStatus::complete);
  EXPECT_EQ(parse_http_response("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").status,
            HttpParseStatus::complete);
  // Chunked, with an extension and a trailer.
  auto chunked = parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n");
  ASSERT_EQ(chunked.status, HttpParseStatus::complete);
  EXPECT_EQ(chunked.message.body, "abcde");
  EXPECT_EQ(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").error, HttpError::bad_chunk);
  // Neither: the body runs until the server closes (HTTP/1.0 servers such as busybox httpd).
  const std::string until_close = "HTTP/1.0 200 OK\r\n\r\nall of it";
  EXPECT_EQ(parse_http_response(until_close).status, HttpParseStatus::incomplete);
  auto closed = parse_http_response(until_close, false, true);
  ASSERT_EQ(closed.status, HttpParseStatus::complete);
  EXPECT_EQ(closed.message.body, "all of it");
  EXPECT_FALSE(closed.message.keeps_alive());
}

TEST(HttpResponse, BadStatusLinesAreErrors) {
  EXPECT_EQ(parse_http_response("HTTP/1.1 20 OK\r\n\r\n").error, HttpError::bad_start_line);
  EXPECT_EQ(parse_http_response("HTTP/1.1 2000 OK\r\n\r\n").error, HttpError::bad_start_line);
  EXPECT_EQ(parse_http_response("SSH-2.0-OpenSSH\r\n\r\n").error, HttpError::bad_start_line);
  auto no_reason = parse_http_response("HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(no_reason.status, HttpParseStatus::complete);
  EXPECT_EQ(no_reason.message.status, 404);
}

TEST(HttpReasonPhrase, FollowsRfc9110) {
  EXPECT_EQ(http_reason_phrase(404), "Not Found");
  EXPECT_EQ(http_reason_phrase(503), "Service Unavailable");
  EXPECT_EQ(http_reason_phrase(299), "");
}

}  // namespace
}  // namespace vpcsim::wire
