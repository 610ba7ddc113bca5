package com.example.agent;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The agent's tool. It counts its calls: a tool runs on every turn, answered from cache or not. */
@Component
public class Calculator {

    private static final Pattern BINARY = Pattern.compile("\\s*(-?\\d+)\\s*([-+*/])\\s*(-?\\d+)\\s*");
    private final AtomicInteger calls = new AtomicInteger();

    @Tool(description = "Evaluates an arithmetic expression of two integers, such as 12*7")
    public String calculate(@ToolParam(description = "the expression, such as 12*7") String expression) {
        calls.incrementAndGet();
        Matcher m = BINARY.matcher(expression);
        if (!m.matches()) {
            return "not an expression of two integers: " + expression;
        }
        long a = Long.parseLong(m.group(1));
        long b = Long.parseLong(m.group(3));
        return switch (m.group(2)) {
            case "+" -> String.valueOf(a + b);
            case "-" -> String.valueOf(a - b);
            case "*" -> String.valueOf(a * b);
            default -> b == 0 ? "division by zero" : String.valueOf(a / b);
        };
    }

    public int calls() {
        return calls.get();
    }
}
