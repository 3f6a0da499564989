// ASCII character classes for the Boost.Spirit X3 grammars (netlist tokenizer, expression parser).
// X3's own classes (x3::space, x3::alpha, ...) assert on bytes >= 0x80 in debug builds; these accept any
// byte (non-ASCII bytes are simply not in the class).
#pragma once

#include <boost/spirit/home/x3.hpp>

namespace spinspice::ascii {

struct IsSpace {
    bool operator()(unsigned char c) const { return c == ' ' || (c >= '\t' && c <= '\r'); }
};
struct IsAlpha {
    bool operator()(unsigned char c) const { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
};
struct IsAlnum {
    bool operator()(unsigned char c) const { return IsAlpha{}(c) || (c >= '0' && c <= '9'); }
};

template <typename Predicate> struct CharClass : boost::spirit::x3::char_parser<CharClass<Predicate>> {
    using attribute_type = char;
    static bool const has_attribute = true;
    template <typename Char, typename Context> bool test(Char ch, const Context&) const {
        return Predicate{}(static_cast<unsigned char>(ch));
    }
};

inline const CharClass<IsSpace> space{};
inline const CharClass<IsAlpha> alpha{};
inline const CharClass<IsAlnum> alnum{};

} // namespace spinspice::ascii
