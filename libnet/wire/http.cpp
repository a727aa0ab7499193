#include "libnet/wire/http.h"

#include <charconv>

namespace vpcsim::wire {
namespace {

constexpr std::string_view kCrlf = "\r\n";

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

bool is_version(std::string_view text) {
  return text.size() == 8 && text.substr(0, 5) == "HTTP/" && text[5] >= '0' && text[5] <= '9' && text[6] == '.' &&
         text[7] >= '0' && text[7] <= '9';
}

// Whether the connection persists after a message of `version` with these headers (RFC 9112 §9.3).
bool persists(std::string_view version, const std::vector<HttpHeader>& headers) {
  bool close = false;
  bool keep_alive = false;
  for (const HttpHeader& h : headers) {
    if (!http_iequals(h.name, "connection")) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      const std::string_view option = trim(rest.substr(0, comma));
      close = close || http_iequals(option, "close");
      keep_alive = keep_alive || http_iequals(option, "keep-alive");
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
  }
  if (close) return false;
  return version == "HTTP/1.1" || keep_alive;
}

void emit_head(std::string& out, const std::vector<HttpHeader>& headers) {
  for (const HttpHeader& h : headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += kCrlf;
  }
  out += kCrlf;
}

// Splits the header section (after the start line) into fields. False on a malformed line.
bool parse_fields(std::string_view section, std::vector<HttpHeader>& headers) {
  while (!section.empty()) {
    const std::size_t end = section.find(kCrlf);
    const std::string_view line = section.substr(0, end);
    section = end == std::string_view::npos ? std::string_view{} : section.substr(end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    const std::string_view name = line.substr(0, colon);
    if (!is_token(name)) return false;  // RFC 9112 §5.1: no white space between name and colon
    headers.push_back({std::string(name), std::string(trim(line.substr(colon + 1)))});
  }
  return true;
}

struct Framing {
  enum Kind { none, sized, chunked, until_close } kind = none;
  std::size_t length = 0;
};

// The body's framing from the headers (RFC 9112 §6.3); nullopt for a bad Content-Length.
std::optional<Framing> framing(const std::vector<HttpHeader>& headers, bool is_response) {
  Framing f;
  if (auto te = find_http_header(headers, "transfer-encoding")) {
    const std::size_t comma = te->rfind(',');
    const std::string_view last = trim(comma == std::string_view::npos ? *te : te->substr(comma + 1));
    if (http_iequals(last, "chunked")) return Framing{Framing::chunked, 0};
    return Framing{is_response ? Framing::until_close : Framing::none, 0};
  }
  std::optional<std::size_t> length;
  for (const HttpHeader& h : headers) {
    if (!http_iequals(h.name, "content-length")) continue;
    std::size_t value = 0;
    const char* begin = h.value.data();
    const char* end = begin + h.value.size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || ptr != end || h.value.empty()) return std::nullopt;
    if (length && *length != value) return std::nullopt;
    length = value;
  }
  if (length) return Framing{Framing::sized, *length};
  f.kind = is_response ? Framing::until_close : Framing::none;
  return f;
}

// Decodes a chunked body starting at `bytes`: the body, and the bytes used, or incomplete/error.
HttpParseStatus dechunk(std::string_view bytes, std::string& body, std::size_t& used) {
  std::size_t at = 0;
  for (;;) {
    const std::size_t eol = bytes.find(kCrlf, at);
    if (eol == std::string_view::npos) return HttpParseStatus::incomplete;
    std::string_view size_text = bytes.substr(at, eol - at);
    size_text = trim(size_text.substr(0, size_text.find(';')));  // chunk extensions are ignored
    std::size_t size = 0;
    auto [ptr, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc{} || ptr != size_text.data() + size_text.size() || size_text.empty())
      return HttpParseStatus::error;
    at = eol + 2;
    if (size == 0) {
      // The trailer section ends with an empty line.
      const std::size_t end = bytes.find("\r\n", at);
      if (end == std::string_view::npos) return HttpParseStatus::incomplete;
      if (end != at) {
        const std::size_t trailer_end = bytes.find("\r\n\r\n", at);
        if (trailer_end == std::string_view::npos) return HttpParseStatus::incomplete;
        used = trailer_end + 4;
      } else {
        used = end + 2;
      }
      return HttpParseStatus::complete;
    }
    if (bytes.size() < at + size + 2) return HttpParseStatus::incomplete;
    if (bytes.substr(at + size, 2) != kCrlf) return HttpParseStatus::error;
    body.append(bytes.substr(at, size));
    at += size + 2;
  }
}

// The head (start line and fields) ends at the first empty line; npos while it has not arrived.
template <class Repr>
bool find_head(std::string_view bytes, std::size_t& head_end, HttpParse<Repr>& out) {
  head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (bytes.size() > kHttpMaxHeadLen) {
      out.status = HttpParseStatus::error;
      out.error = HttpError::head_too_large;
    }
    return false;
  }
  return true;
}

template <class Repr>
HttpParse<Repr> fail(HttpError error) {
  HttpParse<Repr> out;
  out.status = HttpParseStatus::error;
  out.error = error;
  return out;
}

// Reads the body after the head according to `f`, completing `out`.
template <class Repr>
void read_body(std::string_view bytes, std::size_t body_start, Framing f, bool at_eof, HttpParse<Repr>& out) {
  const std::string_view rest = bytes.substr(body_start);
  switch (f.kind) {
    case Framing::none:
      out.consumed = body_start;
      out.status = HttpParseStatus::complete;
      return;
    case Framing::sized:
      if (rest.size() < f.length) return;
      out.message.body.assign(rest.substr(0, f.length));
      out.consumed = body_start + f.length;
      out.status = HttpParseStatus::complete;
      return;
    case Framing::chunked: {
      std::size_t used = 0;
      const HttpParseStatus s = dechunk(rest, out.message.body, used);
      if (s == HttpParseStatus::error) out.error = HttpError::bad_chunk;
      if (s != HttpParseStatus::complete) out.message.body.clear();
      out.status = s;
      out.consumed = body_start + used;
      return;
    }
    case Framing::until_close:
      if (!at_eof) return;
      out.message.body.assign(rest);
      out.consumed = bytes.size();
      out.status = HttpParseStatus::complete;
      return;
  }
}

}  // namespace

bool http_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::optional<std::string_view> find_http_header(const std::vector<HttpHeader>& headers, std::string_view name) {
  for (const HttpHeader& h : headers)
    if (http_iequals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

std::string_view http_reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::string_view to_string(HttpError error) {
  switch (error) {
    case HttpError::none: return "none";
    case HttpError::bad_start_line: return "bad_start_line";
    case HttpError::bad_header: return "bad_header";
    case HttpError::bad_content_length: return "bad_content_length";
    case HttpError::head_too_large: return "head_too_large";
    case HttpError::bad_chunk: return "bad_chunk";
  }
  return "unknown";
}

std::string_view HttpRequestRepr::path() const {
  const std::string_view t = target;
  return t.substr(0, t.find('?'));
}

bool HttpRequestRepr::keeps_alive() const { return persists(version, headers); }
bool HttpResponseRepr::keeps_alive() const { return persists(version, headers); }

std::string HttpRequestRepr::emit() const {
  std::string out;
  out.reserve(64 + body.size());
  out += method;
  out += ' ';
  out += target;
  out += ' ';
  out += version;
  out += kCrlf;
  emit_head(out, headers);
  out += body;
  return out;
}

std::string HttpResponseRepr::emit() const {
  std::string out;
  out.reserve(64 + body.size());
  out += version;
  out += ' ';
  out += std::to_string(status);
  out += ' ';
  out += reason;
  out += kCrlf;
  emit_head(out, headers);
  out += body;
  return out;
}

HttpParse<HttpRequestRepr> parse_http_request(std::string_view bytes) {
  HttpParse<HttpRequestRepr> out;
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
  std::size_t skip = 0;
  while (bytes.substr(skip, 2) == kCrlf) skip += 2;
  const std::string_view stream = bytes.substr(skip);
  std::size_t head_end = 0;
  if (!find_head(stream, head_end, out)) return out;
  const std::string_view head = stream.substr(0, head_end);
  const std::size_t eol = head.find(kCrlf);
  const std::string_view start = head.substr(0, eol);
  const std::size_t sp1 = start.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : start.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return fail<HttpRequestRepr>(HttpError::bad_start_line);
  HttpRequestRepr& m = out.message;
  const std::string_view method = start.substr(0, sp1);
  const std::string_view target = start.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = start.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || target.find(' ') != std::string_view::npos || !is_version(version))
    return fail<HttpRequestRepr>(HttpError::bad_start_line);
  m.method = method;
  m.target = target;
  m.version = version;
  if (eol != std::string_view::npos && !parse_fields(head.substr(eol + 2), m.headers))
    return fail<HttpRequestRepr>(HttpError::bad_header);
  const std::optional<Framing> f = framing(m.headers, false);
  if (!f) return fail<HttpRequestRepr>(HttpError::bad_content_length);
  read_body(stream, head_end + 4, *f, false, out);
  if (out.status == HttpParseStatus::complete) out.consumed += skip;
  return out;
}

HttpParse<HttpResponseRepr> parse_http_response(std::string_view bytes, bool head_request, bool at_eof) {
  HttpParse<HttpResponseRepr> out;
  std::size_t head_end = 0;
  if (!find_head(bytes, head_end, out)) return out;
  const std::string_view head = bytes.substr(0, head_end);
  const std::size_t eol = head.find(kCrlf);
  const std::string_view start = head.substr(0, eol);
  const std::size_t sp1 = start.find(' ');
  if (sp1 == std::string_view::npos || !is_version(start.substr(0, sp1)))
    return fail<HttpResponseRepr>(HttpError::bad_start_line);
  const std::string_view code = start.substr(sp1 + 1, 3);
  const std::size_t after = sp1 + 4;
  int status = 0;
  auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
  if (code.size() != 3 || ec != std::errc{} || ptr != code.data() + 3 || status < 100 ||
      (after < start.size() && start[after] != ' '))
    return fail<HttpResponseRepr>(HttpError::bad_start_line);
  HttpResponseRepr& m = out.message;
  m.version = start.substr(0, sp1);
  m.status = status;
  m.reason = after < start.size() ? start.substr(after + 1) : std::string_view{};
  if (eol != std::string_view::npos && !parse_fields(head.substr(eol + 2), m.headers))
    return fail<HttpResponseRepr>(HttpError::bad_header);
  std::optional<Framing> f = framing(m.headers, true);
  if (!f) return fail<HttpResponseRepr>(HttpError::bad_content_length);
  if (head_request || (status >= 100 && status < 200) || status == 204 || status == 304) f = Framing{};
  read_body(bytes, head_end + 4, *f, at_eof, out);
  return out;
}

}  // namespace vpcsim::wire
