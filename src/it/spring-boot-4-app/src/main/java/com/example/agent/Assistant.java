package com.example.agent;

public interface Assistant {

    String chat(String question);
}
