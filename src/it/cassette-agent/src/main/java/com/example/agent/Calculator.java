package com.example.agent;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;

/** The agent's one tool. It runs for real in a replay too: only the model's answers come from the cassette. */
public class Calculator {

    @Tool("Evaluates a product of two whole numbers, such as 12*7")
    public String calculate(@P("the expression") String expression) {
        String[] factors = expression.split("\\*");
        return Long.toString(Long.parseLong(factors[0].strip()) * Long.parseLong(factors[1].strip()));
    }
}
