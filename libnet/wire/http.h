// HTTP/1.1 messages (RFC 9112 syntax, RFC 9110 semantics) as they travel in a TCP byte stream.
//
//   request  = method SP request-target SP HTTP-version CRLF *( field-line CRLF ) CRLF [ body ]
//   response = HTTP-version SP status-code SP [ reason-phrase ] CRLF *( field-line CRLF ) CRLF [ body ]
//
// HttpRequestRepr / HttpResponseRepr are the owned forms applications fill in and emit(). A stream
// carries messages back to back (keep-alive, RFC 9112 §9.3), so parse_http_request/response take the
// bytes received so far and say whether a whole message is there (`complete`, with how many bytes it
// used), more bytes are needed (`incomplete`), or the bytes cannot be HTTP (`error`, with why). The
// body's length is found as RFC 9112 §6.3 says: none for a response to HEAD and for 1xx/204/304;
// Content-Length; a chunked Transfer-Encoding (decoded); else, for a response only, everything until
// the connection closes (`at_eof`). A request without Content-Length has no body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vpcsim::wire {

struct HttpHeader {
  std::string name;
  std::string value;
  bool operator==(const HttpHeader&) const = default;
};

/// The value of the first field named `name` (case-insensitive, RFC 9110 §5.1), if any.
std::optional<std::string_view> find_http_header(const std::vector<HttpHeader>& headers, std::string_view name);
/// Whether `a` and `b` are equal ignoring ASCII case (header names, tokens such as "close").
bool http_iequals(std::string_view a, std::string_view b);
/// The reason phrase RFC 9110 §15 gives a status code ("OK", "Not Found", ...; "" for one it lacks).
std::string_view http_reason_phrase(int status);

struct HttpRequestRepr {
  std::string method = "GET";
  std::string target = "/";
  std::string version = "HTTP/1.1";
  std::vector<HttpHeader> headers;
  std::string body;

  std::optional<std::string_view> header(std::string_view name) const { return find_http_header(headers, name); }
  /// The target's path without its query ("/api?x=1" -> "/api").
  std::string_view path() const;
  /// Whether the connection stays open after this exchange (RFC 9112 §9.3): HTTP/1.1 unless
  /// "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
  bool keeps_alive() const;
  /// The message as bytes: the request line, the headers in order, an empty line, the body.
  std::string emit() const;
};

struct HttpResponseRepr {
  std::string version = "HTTP/1.1";
  int status = 200;
  std::string reason = "OK";
  std::vector<HttpHeader> headers;
  std::string body;

  std::optional<std::string_view> header(std::string_view name) const { return find_http_header(headers, name); }
  bool keeps_alive() const;
  std::string emit() const;
};

enum class HttpParseStatus : std::uint8_t { complete, incomplete, error };

/// Why bytes are not an HTTP message (for a 400 and the trace).
enum class HttpError : std::uint8_t {
  none,
  bad_start_line,      ///< not "METHOD TARGET HTTP/x.y" / "HTTP/x.y NNN reason"
  bad_header,          ///< a field line without a colon, or with white space before it
  bad_content_length,  ///< not a number, or two that differ
  head_too_large,      ///< no end of the header section within kHttpMaxHeadLen bytes
  bad_chunk,           ///< a chunked body whose sizes do not parse
};
std::string_view to_string(HttpError error);

/// Larger heads are refused (nginx's large_client_header_buffers default is 4 x 8 KiB).
inline constexpr std::size_t kHttpMaxHeadLen = 32 * 1024;

template <class Repr>
struct HttpParse {
  HttpParseStatus status = HttpParseStatus::incomplete;
  HttpError error = HttpError::none;
  std::size_t consumed = 0;  ///< bytes of the stream the message took (when complete)
  Repr message;
};

HttpParse<HttpRequestRepr> parse_http_request(std::string_view bytes);
/// `head_request`: the request was HEAD (no body follows). `at_eof`: the peer closed, so a body
/// delimited by the close is complete.
HttpParse<HttpResponseRepr> parse_http_response(std::string_view bytes, bool head_request = false, bool at_eof = false);

}  // namespace vpcsim::wire
