package io.prorl.tasks;

/**
 * A reference solver's output.
 *
 * @param answer the bare answer, as it goes inside the answer tags
 * @param completion the worked solution, ending in the formatted answer: a completion that scores 1
 */
public record Solution(String answer, String completion) {}
