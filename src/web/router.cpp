// SPDX-License-Identifier: BSL-1.0
// URL dispatch: pattern compilation, allocation-free matching, Allow lists and url_for.
#include <ahttp/error.hpp>
#include <ahttp/web/router.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <regex>
#include <span>
#include <unordered_map>

namespace ahttp::web {

namespace {

[[noreturn]] void throw_invalid(std::string const& what)
{
    throw ahttp::error(errc::invalid_argument, what);
}

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept
    {
        return std::hash<std::string_view>{}(s);
    }
};

// A map keyed by std::string that is searched with a string_view, without building a string.
template <class T>
using string_map = std::unordered_map<std::string, T, string_hash, std::equal_to<>>;

// RFC 9110 §5.6.2: a method is a token.
bool is_tchar(char c) noexcept
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

bool is_name_start(char c) noexcept
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_name_char(char c) noexcept
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

// RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@". This is the set yarl
// (and so aiohttp's url_for) leaves alone in a path segment.
bool is_pchar(unsigned char c) noexcept
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::string_view{"-._~!$&'()*+,;=:@"}.find(static_cast<char>(c)) !=
           std::string_view::npos;
}

void append_path_encoded(std::string& out, std::string_view text, bool keep_slash)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    for (char ch : text) {
        auto const c = static_cast<unsigned char>(ch);
        if (is_pchar(c) || (keep_slash && ch == '/')) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0x0F]);
        }
    }
}

void append_regex_escaped(std::string& out, std::string_view literal)
{
    for (char c : literal) {
        if (std::string_view{"^$\\.*+?()[]{}|"}.find(c) != std::string_view::npos) {
            out.push_back('\\');
        }
        out.push_back(c);
    }
}

enum class part_kind : unsigned char {
    literal, // text compared as is
    segment, // `{name}`: one or more characters other than '/'
    regex,   // `{name:regex}`
};

struct part {
    part_kind kind = part_kind::literal;
    std::string text; // the literal text, or the placeholder's regex
    std::string name; // the placeholder's name
    // The placeholder's own regex, kept for url_for to decide whether a '/' is legitimate.
    std::optional<std::regex> own;
};

constexpr std::regex::flag_type regex_flags = std::regex::ECMAScript | std::regex::optimize;

std::vector<part> parse_pattern(std::string_view pattern)
{
    auto fail = [&](std::string const& why) {
        throw_invalid("router: path pattern \"" + std::string{pattern} + "\": " + why);
    };
    if (pattern.empty() || pattern.front() != '/') {
        fail("must start with '/'");
    }
    std::vector<part> parts;
    std::string literal;
    std::size_t i = 0;
    while (i < pattern.size()) {
        char const c = pattern[i];
        if (c == '}') {
            fail("unbalanced '}'");
        }
        if (c != '{') {
            literal.push_back(c);
            ++i;
            continue;
        }
        // The regex may hold its own braces (`{id:\d{3}}`), so count depth and skip escapes
        // rather than stopping at the first '}'.
        std::size_t depth = 1;
        std::size_t j = i + 1;
        for (; j < pattern.size() && depth > 0; ++j) {
            if (pattern[j] == '\\') {
                ++j;
            } else if (pattern[j] == '{') {
                ++depth;
            } else if (pattern[j] == '}') {
                --depth;
            }
        }
        if (depth != 0) {
            fail("unclosed '{'");
        }
        std::string_view const body = pattern.substr(i + 1, j - i - 2);
        auto const colon = body.find(':');
        std::string_view const name = body.substr(0, colon);
        if (name.empty()) {
            fail("placeholder without a name");
        }
        if (!is_name_start(name.front()) ||
            !std::all_of(name.begin(), name.end(), [](char n) { return is_name_char(n); })) {
            fail("placeholder name \"" + std::string{name} + "\" is not an identifier");
        }
        for (part const& p : parts) {
            if (p.kind != part_kind::literal && p.name == name) {
                fail("duplicate placeholder \"" + std::string{name} + "\"");
            }
        }
        part placeholder;
        placeholder.name = name;
        placeholder.kind = part_kind::segment;
        if (colon != std::string_view::npos) {
            std::string_view const expr = body.substr(colon + 1);
            if (expr.empty()) {
                fail("empty regex for \"" + std::string{name} + "\"");
            }
            // `{id:[^/]+}` is what `{id}` means; keep it on the fast path.
            if (expr != "[^/]+") {
                placeholder.kind = part_kind::regex;
                placeholder.text = expr;
                try {
                    placeholder.own.emplace(placeholder.text, regex_flags);
                } catch (std::regex_error const& e) {
                    fail("invalid regex for \"" + std::string{name} + "\": " + e.what());
                }
            }
        }
        if (!literal.empty()) {
            parts.push_back(part{part_kind::literal, std::move(literal), {}, {}});
            literal.clear();
        }
        parts.push_back(std::move(placeholder));
        i = j;
    }
    if (!literal.empty()) {
        parts.push_back(part{part_kind::literal, std::move(literal), {}, {}});
    }
    return parts;
}

// Placeholders beyond this count in one pattern go through std::regex, so the hand-written
// matcher can keep its captures on the stack.
constexpr std::size_t max_inline_params = 16;

// Matches `parts` (literals and `{name}` segments only) against path[pos..], anchored at both
// ends. A segment is greedy and backtracks, exactly like the `([^/]+)` it stands for, so
// "/{name}.json" splits "/a.b.json" as "a.b".
bool match_parts(std::span<part const> parts, std::string_view path, std::size_t pos,
                 std::string_view* captures) noexcept
{
    while (!parts.empty() && parts.front().kind == part_kind::literal) {
        std::string_view const text = parts.front().text;
        if (path.substr(pos).substr(0, text.size()) != text) {
            return false;
        }
        pos += text.size();
        parts = parts.subspan(1);
    }
    if (parts.empty()) {
        return pos == path.size();
    }
    std::size_t segment_end = path.find('/', pos);
    if (segment_end == std::string_view::npos) {
        segment_end = path.size();
    }
    if (parts.size() == 1) {
        if (segment_end != path.size() || segment_end == pos) {
            return false;
        }
        *captures = path.substr(pos);
        return true;
    }
    auto const rest = parts.subspan(1);
    // A following literal that starts with '/' can only begin at the end of the segment.
    std::size_t const shortest =
        rest.front().kind == part_kind::literal && rest.front().text.front() == '/' ? segment_end
                                                                                    : pos + 1;
    for (std::size_t end = segment_end; end >= shortest && end > pos; --end) {
        if (match_parts(rest, path, end, captures + 1)) {
            *captures = path.substr(pos, end - pos);
            return true;
        }
    }
    return false;
}

struct method_route {
    std::string method;
    // Boxed so that the `handler const*` returned by match() survives later additions.
    std::unique_ptr<handler> target;
    bool allow_head = true;
};

// One path pattern and its method table.
struct resource {
    std::string pattern;
    std::vector<part> parts;
    bool plain = false;
    bool use_regex = false;
    std::string prefix;               // literal text before the first placeholder
    std::regex full;                  // the whole pattern, when use_regex
    std::vector<std::size_t> groups;  // the capture group of each placeholder, when use_regex
    std::vector<part const*> params;  // the placeholders, in order
    std::vector<method_route> routes; // in registration order
    handler const* any = nullptr;
    handler const* head_fallback = nullptr; // GET's handler when it also answers HEAD
    std::uint64_t mask = 0;                 // the methods listed in `allow`, as token bits
    std::string allow;

    handler const* find(std::string_view method) const noexcept
    {
        for (auto const& r : routes) {
            if (r.method == method) {
                return r.target.get();
            }
        }
        // An explicit route beats the HEAD-from-GET fallback, which beats "*": the more
        // specific registration wins whatever the registration order.
        if (head_fallback != nullptr && method == "HEAD") {
            return head_fallback;
        }
        return any;
    }

    bool match(std::string_view path, path_params& out) const
    {
        if (!path.starts_with(prefix)) {
            return false;
        }
        if (use_regex) {
            // The slow path: std::regex allocates. Only custom regexes (or very many
            // placeholders) end up here.
            std::cmatch m;
            if (!std::regex_match(path.data(), path.data() + path.size(), m, full)) {
                return false;
            }
            for (std::size_t i = 0; i < params.size(); ++i) {
                auto const& sub = m[groups[i]];
                out.add(params[i]->name,
                        std::string_view{sub.first, static_cast<std::size_t>(sub.length())});
            }
            return true;
        }
        std::array<std::string_view, max_inline_params> captures;
        if (!match_parts(parts, path, 0, captures.data())) {
            return false;
        }
        for (std::size_t i = 0; i < params.size(); ++i) {
            out.add(params[i]->name, captures[i]);
        }
        return true;
    }
};

std::unique_ptr<resource> compile(std::string_view pattern)
{
    auto r = std::make_unique<resource>();
    r->pattern = pattern;
    r->parts = parse_pattern(pattern);
    for (part const& p : r->parts) {
        if (p.kind != part_kind::literal) {
            r->params.push_back(&p);
        }
    }
    r->plain = r->params.empty();
    if (r->parts.front().kind == part_kind::literal) {
        r->prefix = r->parts.front().text;
    }
    r->use_regex = r->params.size() > max_inline_params ||
                   std::any_of(r->parts.begin(), r->parts.end(),
                               [](part const& p) { return p.kind == part_kind::regex; });
    if (r->use_regex) {
        std::string expr;
        std::size_t group = 1;
        for (part const& p : r->parts) {
            switch (p.kind) {
            case part_kind::literal:
                append_regex_escaped(expr, p.text);
                break;
            case part_kind::segment:
                expr += "([^/]+)";
                r->groups.push_back(group);
                group += 1;
                break;
            case part_kind::regex:
                expr += '(';
                expr += p.text;
                expr += ')';
                r->groups.push_back(group);
                // Groups inside the user's regex shift the numbering of later placeholders.
                group += 1 + p.own->mark_count();
                break;
            }
        }
        try {
            r->full.assign(expr, regex_flags);
        } catch (std::regex_error const& e) {
            throw_invalid("router: path pattern \"" + std::string{pattern} + "\": " + e.what());
        }
    }
    return r;
}

} // namespace

struct router::impl {
    std::vector<std::unique_ptr<resource>> resources; // owner, in registration order
    string_map<resource*> by_pattern;                 // every resource, by its raw pattern
    string_map<resource const*> plain;                // resources without placeholders
    std::vector<resource const*> dynamic;             // the others, in registration order
    string_map<resource const*> names;
    bool frozen = false;

    // Method tokens seen so far; a token's index is its bit in resource::mask.
    std::vector<std::string> tokens;
    string_map<unsigned> token_bits;

    // Allow lists for paths matched by several resources with different method sets. Built on
    // first use (the only allocation match() can make), then shared by every thread.
    mutable std::mutex union_mutex;
    mutable std::unordered_map<std::uint64_t, std::string> union_allow;

    unsigned token_bit(std::string_view token)
    {
        if (auto it = token_bits.find(token); it != token_bits.end()) {
            return it->second;
        }
        // 64 distinct methods is far beyond the ~40 in the IANA registry; the limit keeps
        // method sets in one word so that Allow unions need no allocation.
        if (tokens.size() == 64) {
            throw_invalid("router: more than 64 distinct methods");
        }
        auto const bit = static_cast<unsigned>(tokens.size());
        tokens.emplace_back(token);
        token_bits.emplace(std::string{token}, bit);
        return bit;
    }

    std::string allow_string(std::uint64_t mask) const
    {
        std::vector<std::string_view> names_in;
        for (std::size_t bit = 0; bit < tokens.size(); ++bit) {
            if ((mask >> bit) & 1U) {
                names_in.emplace_back(tokens[bit]);
            }
        }
        // Sorted, as aiohttp does, so the header does not depend on registration order.
        std::sort(names_in.begin(), names_in.end());
        std::string out;
        for (auto n : names_in) {
            if (!out.empty()) {
                out += ", ";
            }
            out += n;
        }
        return out;
    }

    void refresh(resource& r)
    {
        r.any = nullptr;
        r.head_fallback = nullptr;
        r.mask = 0;
        handler const* get_handler = nullptr;
        bool get_allows_head = false;
        bool explicit_head = false;
        for (auto const& route : r.routes) {
            if (route.method == "*") {
                r.any = route.target.get();
                continue;
            }
            r.mask |= std::uint64_t{1} << token_bit(route.method);
            if (route.method == "GET") {
                get_handler = route.target.get();
                get_allows_head = route.allow_head;
            } else if (route.method == "HEAD") {
                explicit_head = true;
            }
        }
        if (get_handler != nullptr && get_allows_head && !explicit_head) {
            r.head_fallback = get_handler;
            r.mask |= std::uint64_t{1} << token_bit("HEAD");
        }
        r.allow = allow_string(r.mask);
    }

    std::string_view union_allow_for(std::uint64_t mask) const
    {
        std::lock_guard lock{union_mutex};
        auto it = union_allow.find(mask);
        if (it == union_allow.end()) {
            it = union_allow.emplace(mask, allow_string(mask)).first;
        }
        // Node-based map: the string stays put when other entries are added.
        return it->second;
    }
};

router::router() : impl_(std::make_unique<impl>()) {}
router::router(router&&) noexcept = default;
router& router::operator=(router&&) noexcept = default;
router::~router() = default;

router& router::add_route(std::string_view method, std::string_view path, handler h,
                          route_options options)
{
    if (!impl_) {
        impl_ = std::make_unique<impl>(); // a moved-from router starts over, empty
    }
    impl& s = *impl_;
    if (s.frozen) {
        throw ahttp::error(errc::invalid_state,
                           std::string{"router: routes cannot be added after freeze()"});
    }
    if (method.empty() || (method != "*" && !std::all_of(method.begin(), method.end(), is_tchar))) {
        throw_invalid("router: invalid method \"" + std::string{method} + "\"");
    }
    if (!h) {
        throw_invalid("router: empty handler for " + std::string{method} + " " + std::string{path});
    }
    if (!options.name.empty() && s.names.contains(options.name)) {
        throw_invalid("router: duplicate route name \"" + options.name + "\"");
    }

    // Validate everything before changing anything, so a throw leaves the router as it was.
    std::unique_ptr<resource> fresh;
    resource* target = nullptr;
    if (auto it = s.by_pattern.find(path); it != s.by_pattern.end()) {
        target = it->second;
    } else {
        fresh = compile(path);
        target = fresh.get();
    }
    for (auto const& route : target->routes) {
        if (route.method == method) {
            throw_invalid("router: duplicate route " + std::string{method} + " " +
                          std::string{path});
        }
    }
    if (method != "*") {
        s.token_bit(method);
        if (method == "GET") {
            s.token_bit("HEAD");
        }
    }

    if (fresh) {
        s.by_pattern.emplace(fresh->pattern, fresh.get());
        if (fresh->plain) {
            s.plain.emplace(fresh->pattern, fresh.get());
        } else {
            s.dynamic.push_back(fresh.get());
        }
        s.resources.push_back(std::move(fresh));
    }
    target->routes.push_back(method_route{
        std::string{method}, std::make_unique<handler>(std::move(h)), options.allow_head});
    if (!options.name.empty()) {
        s.names.emplace(std::move(options.name), target);
    }
    s.refresh(*target);
    return *this;
}

router& router::add_get(std::string_view path, handler h, route_options options)
{
    return add_route("GET", path, std::move(h), std::move(options));
}

router& router::add_post(std::string_view path, handler h, route_options options)
{
    return add_route("POST", path, std::move(h), std::move(options));
}

router& router::add_put(std::string_view path, handler h, route_options options)
{
    return add_route("PUT", path, std::move(h), std::move(options));
}

router& router::add_patch(std::string_view path, handler h, route_options options)
{
    return add_route("PATCH", path, std::move(h), std::move(options));
}

router& router::add_delete(std::string_view path, handler h, route_options options)
{
    return add_route("DELETE", path, std::move(h), std::move(options));
}

router& router::add_head(std::string_view path, handler h, route_options options)
{
    return add_route("HEAD", path, std::move(h), std::move(options));
}

router& router::add_options(std::string_view path, handler h, route_options options)
{
    return add_route("OPTIONS", path, std::move(h), std::move(options));
}

router& router::add_routes(std::vector<route_def> routes)
{
    for (auto& def : routes) {
        add_route(def.method, def.path, std::move(def.target), std::move(def.options));
    }
    return *this;
}

std::string
router::url_for(std::string_view name,
                std::initializer_list<std::pair<std::string_view, std::string_view>> params,
                http::query_params const& query) const
{
    if (!impl_) {
        throw_invalid("router: no route named \"" + std::string{name} + "\"");
    }
    impl const& s = *impl_;
    auto const it = s.names.find(name);
    if (it == s.names.end()) {
        throw_invalid("router: no route named \"" + std::string{name} + "\"");
    }
    resource const& r = *it->second;
    std::string out;
    out.reserve(r.pattern.size() + 16);
    for (part const& p : r.parts) {
        if (p.kind == part_kind::literal) {
            // Patterns are written in decoded form (they match the decoded path), so literal
            // text is encoded too; its '/' are separators.
            append_path_encoded(out, p.text, true);
            continue;
        }
        auto const value = std::find_if(params.begin(), params.end(),
                                        [&](auto const& kv) { return kv.first == p.name; });
        if (value == params.end()) {
            throw_invalid("router: url_for(\"" + std::string{name} + "\") is missing parameter \"" +
                          p.name + "\"");
        }
        std::string_view const v = value->second;
        // A '/' is data in a `{name}` segment (so %2F), but a separator in a tail such as
        // `{path:.*}`: keep it when the placeholder's own regex accepts the value as is.
        bool const keep_slash = p.kind == part_kind::regex &&
                                v.find('/') != std::string_view::npos &&
                                std::regex_match(v.begin(), v.end(), *p.own);
        append_path_encoded(out, v, keep_slash);
    }
    if (!query.empty()) {
        out.push_back('?');
        out += query.encode();
    }
    return out;
}

route_match router::match(std::string_view method_token, std::string_view path,
                          path_params& params) const
{
    params.clear();
    if (!impl_) {
        return {};
    }
    impl const& s = *impl_;
    // aiohttp semantics: the first resource that matches the path *and* has the method wins;
    // the Allow list of a 405 is the union over every resource that matched the path.
    resource const* first_hit = nullptr;
    std::uint64_t allowed = 0;
    if (auto it = s.plain.find(path); it != s.plain.end()) {
        resource const& r = *it->second;
        if (handler const* h = r.find(method_token)) {
            return {match_status::found, h, {}};
        }
        first_hit = &r;
        allowed = r.mask;
    }
    for (resource const* r : s.dynamic) {
        if (!r->match(path, params)) {
            continue;
        }
        if (handler const* h = r->find(method_token)) {
            return {match_status::found, h, {}};
        }
        params.clear();
        if (first_hit == nullptr) {
            first_hit = r;
        }
        allowed |= r->mask;
    }
    if (first_hit == nullptr) {
        return {};
    }
    if (allowed == first_hit->mask) {
        return {match_status::method_not_allowed, nullptr, first_hit->allow};
    }
    return {match_status::method_not_allowed, nullptr, s.union_allow_for(allowed)};
}

void router::freeze()
{
    if (!impl_) {
        impl_ = std::make_unique<impl>();
    }
    impl_->frozen = true;
}

bool router::frozen() const noexcept
{
    return impl_ && impl_->frozen;
}

route_def get(std::string path, handler h, route_options options)
{
    return {"GET", std::move(path), std::move(h), std::move(options)};
}

route_def post(std::string path, handler h, route_options options)
{
    return {"POST", std::move(path), std::move(h), std::move(options)};
}

route_def put(std::string path, handler h, route_options options)
{
    return {"PUT", std::move(path), std::move(h), std::move(options)};
}

route_def patch(std::string path, handler h, route_options options)
{
    return {"PATCH", std::move(path), std::move(h), std::move(options)};
}

route_def delete_(std::string path, handler h, route_options options)
{
    return {"DELETE", std::move(path), std::move(h), std::move(options)};
}

route_def head(std::string path, handler h, route_options options)
{
    return {"HEAD", std::move(path), std::move(h), std::move(options)};
}

route_def options(std::string path, handler h, route_options opts)
{
    return {"OPTIONS", std::move(path), std::move(h), std::move(opts)};
}

route_def any(std::string path, handler h, route_options options)
{
    return {"*", std::move(path), std::move(h), std::move(options)};
}

} // namespace ahttp::web
