package io.promptcache.cli;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The demo agent's tools: the current time, and arithmetic (parsed here, never evaluated as code). */
public final class DemoTools {

    private final Clock clock;

    public DemoTools(Clock clock) {
        this.clock = clock;
    }

    @Tool("Returns the current date and time (ISO-8601, with time zone)")
    public String currentTime() {
        return ZonedDateTime.now(clock).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    @Tool("Evaluates an arithmetic expression with + - * / and parentheses, for example 12*(3+4)")
    public String calculate(@P("the arithmetic expression") String expression) {
        try {
            return Arithmetic.evaluate(expression).toPlainString();
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }

    /** A recursive-descent parser for + - * / and parentheses over decimals. */
    static final class Arithmetic {
        private final String s;
        private int pos;

        private Arithmetic(String s) {
            this.s = s.replace('×', '*').replace('÷', '/');
        }

        static BigDecimal evaluate(String expression) {
            if (expression == null || expression.isBlank()) {
                throw new IllegalArgumentException("empty expression");
            }
            if (expression.length() > 200) {
                throw new IllegalArgumentException("expression too long");
            }
            Arithmetic a = new Arithmetic(expression);
            BigDecimal v = a.sum();
            a.skipSpaces();
            if (a.pos != a.s.length()) {
                throw new IllegalArgumentException("unexpected '" + a.s.charAt(a.pos) + "'");
            }
            return v.stripTrailingZeros();
        }

        private BigDecimal sum() {
            BigDecimal v = product();
            while (true) {
                skipSpaces();
                if (eat('+')) {
                    v = v.add(product());
                } else if (eat('-')) {
                    v = v.subtract(product());
                } else {
                    return v;
                }
            }
        }

        private BigDecimal product() {
            BigDecimal v = factor();
            while (true) {
                skipSpaces();
                if (eat('*')) {
                    v = v.multiply(factor());
                } else if (eat('/')) {
                    BigDecimal d = factor();
                    if (d.signum() == 0) {
                        throw new IllegalArgumentException("division by zero");
                    }
                    v = v.divide(d, MathContext.DECIMAL64);
                } else {
                    return v;
                }
            }
        }

        private BigDecimal factor() {
            skipSpaces();
            if (eat('-')) {
                return factor().negate();
            }
            if (eat('(')) {
                BigDecimal v = sum();
                skipSpaces();
                if (!eat(')')) {
                    throw new IllegalArgumentException("missing ')'");
                }
                return v;
            }
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                pos++;
            }
            if (start == pos) {
                throw new IllegalArgumentException(pos < s.length() ? "unexpected '" + s.charAt(pos) + "'" : "unexpected end");
            }
            return new BigDecimal(s.substring(start, pos));
        }

        private boolean eat(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }
    }
}
