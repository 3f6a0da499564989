// Expression engine: SPICE numbers, operators and precedence, functions, scopes, error locations.
#include "core/expr.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace spinspice;

namespace {
double eval(const std::string& text, const Scope& scope) {
    return evaluateExpression(text, scope);
}
double eval(const std::string& text) {
    ParamScope empty;
    return evaluateExpression(text, empty);
}

// The InputError thrown while parsing+evaluating `text` placed at file.cir:3:10.
InputError errorOf(const std::string& text, const Scope& scope) {
    ExprOrigin origin;
    origin.loc.file = "file.cir";
    origin.loc.line = 3;
    origin.loc.col = 10;
    origin.lineText = "R1 a b {" + text + "}";
    try {
        evaluateExpression(text, scope, origin);
    } catch (const InputError& e) {
        return e;
    }
    FAIL("expected an InputError for: " << text);
    return InputError("unreachable");
}
InputError errorOf(const std::string& text) {
    ParamScope empty;
    return errorOf(text, empty);
}
} // namespace

TEST_CASE("SPICE numbers with scale suffixes and units") {
    CHECK(parseSpiceNumber("1.5") == doctest::Approx(1.5).scale(0));
    CHECK(parseSpiceNumber(".5") == doctest::Approx(0.5).scale(0));
    CHECK(parseSpiceNumber("1e-3") == doctest::Approx(1e-3).scale(0));
    CHECK(parseSpiceNumber("2.2E+6") == doctest::Approx(2.2e6).scale(0));
    CHECK(parseSpiceNumber("10kOhm") == doctest::Approx(1e4).scale(0));
    CHECK(parseSpiceNumber("1uF") == doctest::Approx(1e-6).scale(0));
    CHECK(parseSpiceNumber("5V") == doctest::Approx(5.0).scale(0));
    CHECK(parseSpiceNumber("1meg") == doctest::Approx(1e6).scale(0));
    CHECK(parseSpiceNumber("1MEG") == doctest::Approx(1e6).scale(0));
    CHECK(parseSpiceNumber("1mil") == doctest::Approx(25.4e-6).scale(0));
    CHECK(parseSpiceNumber("3m") == doctest::Approx(3e-3).scale(0)); // milli, not mega
    CHECK(parseSpiceNumber("2T") == doctest::Approx(2e12).scale(0));
    CHECK(parseSpiceNumber("2g") == doctest::Approx(2e9).scale(0));
    CHECK(parseSpiceNumber("4n") == doctest::Approx(4e-9).scale(0));
    CHECK(parseSpiceNumber("4p") == doctest::Approx(4e-12).scale(0));
    CHECK(parseSpiceNumber("4f") == doctest::Approx(4e-15).scale(0));
    CHECK(parseSpiceNumber("1.5e3k") == doctest::Approx(1.5e6).scale(0));
    CHECK(parseSpiceNumber("-2.5m") == doctest::Approx(-2.5e-3).scale(0));
    CHECK(parseSpiceNumber("+7") == doctest::Approx(7.0).scale(0));
    CHECK(parseSpiceNumber("1eV") == doctest::Approx(1.0).scale(0)); // 'e' without digits is a unit letter
    CHECK(parseSpiceNumber("3.") == doctest::Approx(3.0).scale(0));
    CHECK_FALSE(parseSpiceNumber("abc"));
    CHECK_FALSE(parseSpiceNumber("."));
    CHECK_FALSE(parseSpiceNumber("1.5.3"));
    CHECK_FALSE(parseSpiceNumber("1k2"));
    CHECK_FALSE(parseSpiceNumber(""));
    CHECK_FALSE(parseSpiceNumber("-"));
    std::size_t consumed = 0;
    CHECK(parseSpiceNumberPrefix("10kohm*2", &consumed) == doctest::Approx(1e4).scale(0));
    CHECK(consumed == 6);
}

TEST_CASE("expression operators and precedence") {
    CHECK(eval("1+2*3") == 7);
    CHECK(eval("(1+2)*3") == 9);
    CHECK(eval("2^3^2") == 512); // right-associative
    CHECK(eval("2**3**2") == 512);
    CHECK(eval("-2^2") == -4); // power binds tighter than unary minus
    CHECK(eval("2^-1") == 0.5);
    CHECK(eval("10-4-3") == 3); // left-associative
    CHECK(eval("12/3/2") == 2);
    CHECK(eval("2k*3") == 6000);
    CHECK(eval("1meg/1k") == doctest::Approx(1000).scale(0));
    CHECK(eval("--3") == 3);
    CHECK(eval("+-3") == -3);
    CHECK(eval("!0") == 1);
    CHECK(eval("!5") == 0);
    CHECK(eval("1 < 2") == 1);
    CHECK(eval("2 <= 2") == 1);
    CHECK(eval("3 > 4") == 0);
    CHECK(eval("3 >= 4") == 0);
    CHECK(eval("3 == 3") == 1);
    CHECK(eval("3 != 3") == 0);
    CHECK(eval("1 && 0") == 0);
    CHECK(eval("1 || 0") == 1);
    CHECK(eval("1 + 1 == 2 && 3 > 2") == 1);
    CHECK(eval("0 || 0 && 1") == 0);
    CHECK(eval("1 ? 10 : 20") == 10);
    CHECK(eval("0 ? 10 : 20") == 20);
    CHECK(eval("0 ? 1 : 0 ? 2 : 3") == 3); // right-nested
    CHECK(eval("2 > 1 ? 4 + 1 : 0") == 5);
    CHECK(eval("0 ? 1/0 : 7") == 7); // only the taken branch is evaluated
    CHECK(eval("0 && 1/0") == 0);    // short-circuit
    CHECK(eval("  3 *\t4 ") == 12);
}

TEST_CASE("built-in functions and constants") {
    CHECK(eval("sqrt(16)") == 4);
    CHECK(eval("exp(0)") == 1);
    CHECK(eval("log(exp(2))") == doctest::Approx(2.0).scale(0));
    CHECK(eval("ln(exp(3))") == doctest::Approx(3.0).scale(0));
    CHECK(eval("log10(1000)") == doctest::Approx(3.0).scale(0));
    CHECK(eval("pow(2, 10)") == 1024);
    CHECK(eval("abs(-3.5)") == 3.5);
    CHECK(eval("min(3, -1, 2)") == -1);
    CHECK(eval("max(3, -1, 2)") == 3);
    CHECK(eval("sin(0)") == 0);
    CHECK(eval("cos(0)") == 1);
    CHECK(eval("tan(0)") == 0);
    CHECK(eval("asin(1)") == doctest::Approx(M_PI / 2).scale(0));
    CHECK(eval("acos(1)") == 0);
    CHECK(eval("atan(1)") == doctest::Approx(M_PI / 4).scale(0));
    CHECK(eval("atan2(1, -1)") == doctest::Approx(3 * M_PI / 4).scale(0));
    CHECK(eval("tanh(0)") == 0);
    CHECK(eval("sinh(0)") == 0);
    CHECK(eval("cosh(0)") == 1);
    CHECK(eval("floor(-2.5)") == -3);
    CHECK(eval("ceil(-2.5)") == -2);
    CHECK(eval("int(-2.7)") == -2);
    CHECK(eval("int(2.7)") == 2);
    CHECK(eval("sgn(-4)") == -1);
    CHECK(eval("sgn(0)") == 0);
    CHECK(eval("if(1 > 2, 5, 6)") == 6);
    CHECK(eval("IF(0, 1/0, 9)") == 9); // lazy, case-insensitive
    CHECK(eval("pi") == doctest::Approx(M_PI).scale(0));
    CHECK(eval("2*PI") == doctest::Approx(2 * M_PI).scale(0));
}

TEST_CASE("parameters and user functions resolve through scopes") {
    ParamScope global;
    global.set("a", 2);
    global.set("Big", 1e3);
    global.defineFunction({"sq", {"x"}, Expression::parse("x*x")});
    global.defineFunction({"hyp", {"x", "y"}, Expression::parse("sqrt(sq(x) + sq(y))")});
    global.defineFunction({"scaled", {"x"}, Expression::parse("x*a")}); // sees global 'a'
    ParamScope local(&global);
    local.set("a", 5); // shadows the global a
    local.set("w", 3);

    CHECK(eval("a*w", local) == 15);
    CHECK(eval("big + A", global) == 1002);
    CHECK(eval("sq(w+1)", local) == 16);
    CHECK(eval("hyp(3, 4)", local) == 5);
    // Lexical scoping: the function body sees the scope it was defined in, not the caller's.
    CHECK(eval("scaled(10)", local) == 20);
    CHECK(local.lookupValue("a") == 5.0);
    CHECK(global.lookupValue("a") == 2.0);
    CHECK_FALSE(global.lookupValue("w"));
    CHECK(local.visibleNames() == std::vector<std::string>{"a", "big", "w"});
}

TEST_CASE("expression tree is reusable and walkable") {
    const Expression e = Expression::parse("a + 2*f(b, 3)");
    const auto& root = e.root();
    const auto* add = std::get_if<expr::Binary>(&root.data);
    REQUIRE(add);
    CHECK(add->op == expr::BinaryOp::Add);
    CHECK(root.offset == 2);
    CHECK(std::get<expr::Identifier>(add->lhs->data).name == "a");
    const auto& mul = std::get<expr::Binary>(add->rhs->data);
    CHECK(mul.op == expr::BinaryOp::Mul);
    const auto& call = std::get<expr::Call>(mul.rhs->data);
    CHECK(call.name == "f");
    REQUIRE(call.args.size() == 2);
    CHECK(std::get<expr::Number>(call.args[1]->data).value == 3);
    CHECK(mul.rhs->offset == 6);

    ParamScope scope;
    scope.defineFunction({"f", {"x", "y"}, Expression::parse("x-y")});
    scope.set("a", 1);
    scope.set("b", 10);
    CHECK(e.evaluate(scope) == 15);
    scope.set("b", 20);
    CHECK(e.evaluate(scope) == 35); // same tree, new values
}

TEST_CASE("expression syntax errors point into the expression") {
    auto e = errorOf("1 + * 2");
    CHECK(e.loc().file == "file.cir");
    CHECK(e.loc().line == 3);
    CHECK(e.loc().col == 14); // 10 + offset 4 (the '*')
    CHECK(e.message().find("expected operand") != std::string::npos);

    e = errorOf("(1 + 2");
    CHECK(e.loc().col == 16);
    CHECK(e.message().find("expected ')'") != std::string::npos);

    e = errorOf("1 ? 2");
    CHECK(e.message().find("expected ':'") != std::string::npos);

    e = errorOf("3 4");
    CHECK(e.loc().col == 12);
    CHECK(e.hint().find("operator") != std::string::npos);

    e = errorOf("");
    CHECK(e.message() == "empty expression");

    e = errorOf("max(1,)");
    CHECK(e.loc().col == 16);
    CHECK_MESSAGE(e.message().find("expected expression") != std::string::npos, e.message());

    e = errorOf("a $ b");
    CHECK(e.loc().col == 12);
}

TEST_CASE("expression evaluation errors") {
    ParamScope scope;
    scope.set("width", 1);
    scope.set("length", 2);

    auto e = errorOf("2 * widht", scope);
    CHECK(e.message() == "unknown parameter 'widht'");
    CHECK(e.loc().col == 14);
    CHECK(e.hint().find("width") != std::string::npos);

    e = errorOf("1/0");
    CHECK(e.message() == "division by zero");
    CHECK(e.loc().col == 11);

    e = errorOf("sqrt(-1)");
    CHECK(e.message().find("not a finite number") != std::string::npos);
    CHECK(e.loc().col == 10);

    e = errorOf("10^400");
    CHECK(e.message().find("not a finite number") != std::string::npos);

    e = errorOf("sqrt(1, 2)");
    CHECK(e.message() == "function 'sqrt' takes 1 argument, 2 given");

    e = errorOf("sqrtt(4)");
    CHECK(e.message() == "unknown function 'sqrtt'");
    CHECK(e.hint().find("sqrt") != std::string::npos);

    e = errorOf("sqrt + 1");
    CHECK(e.message().find("is a function") != std::string::npos);

    ParamScope withRecursion;
    withRecursion.defineFunction({"f", {"x"}, Expression::parse("f(x)+1")});
    e = errorOf("f(1)", withRecursion);
    CHECK(e.message().find("nested too deeply") != std::string::npos);
}

TEST_CASE("pathological expressions are rejected, not crashed on") {
    CHECK_THROWS_AS(eval(std::string(500, '(') + "1" + std::string(500, ')')), InputError);
    // a long sum (a generated synapse) is built balanced and evaluates exactly; a long product is refused
    std::string chain = "1";
    for (int i = 0; i < 5000; ++i) chain += (i % 2 ? "+2" : "-1");
    CHECK(eval(chain) == doctest::Approx(1 + 2500 * 2 - 2500 * 1).scale(0));
    std::string product = "1";
    for (int i = 0; i < 5000; ++i) product += "*1";
    CHECK_THROWS_AS(eval(product), InputError);
    CHECK_THROWS_AS(eval(std::string(5000, '-') + "1"), InputError);
    std::string powers = "1";
    for (int i = 0; i < 5000; ++i) powers += "^1";
    CHECK_THROWS_AS(eval(powers), InputError);
    std::string ternaries = "1";
    for (int i = 0; i < 5000; ++i) ternaries += "?1:1";
    CHECK_THROWS_AS(eval(ternaries), InputError);
    // but moderately long ones are fine
    std::string sum = "0";
    for (int i = 0; i < 200; ++i) sum += "+1";
    CHECK(eval(sum) == 200);
}
