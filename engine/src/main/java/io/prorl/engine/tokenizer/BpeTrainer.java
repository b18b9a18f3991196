package io.prorl.engine.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Trains a small byte-level BPE tokenizer on a corpus and writes it as a Hugging Face {@code
 * tokenizer.json} (ByteLevel pre-tokenizer and decoder, BPE model, special tokens as added tokens),
 * so any HF-compatible tool reads it. Deterministic: the most frequent pair is merged first, ties
 * broken by the pair's text.
 */
public final class BpeTrainer {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private BpeTrainer() {}

  /**
   * @param corpus training texts
   * @param vocabSize total size: 256 byte tokens + merges + special tokens
   * @param specialTokens added after the merged vocabulary, in this order
   * @return the tokenizer.json text
   */
  public static String train(List<String> corpus, int vocabSize, List<String> specialTokens) {
    int merges = vocabSize - 256 - specialTokens.size();
    if (merges < 0) {
      throw new IllegalArgumentException(
          "vocabSize "
              + vocabSize
              + " is below 256 byte tokens + "
              + specialTokens.size()
              + " special tokens");
    }
    Map<String, Integer> wordCounts = new HashMap<>();
    for (String text : corpus) {
      for (String w : ByteLevel.words(text)) {
        wordCounts.merge(w, 1, Integer::sum);
      }
    }
    List<List<String>> words = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    wordCounts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> {
          List<String> symbols = new ArrayList<>();
          e.getKey().codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
          words.add(symbols);
          counts.add(e.getValue());
        });

    Map<String, Integer> vocab = new LinkedHashMap<>();
    for (char c : ByteLevel.BYTE_TO_CHAR) {
      vocab.put(String.valueOf(c), vocab.size());
    }
    List<String> mergeList = new ArrayList<>();
    while (mergeList.size() < merges) {
      Map<String, Integer> pairs = new HashMap<>();
      for (int w = 0; w < words.size(); w++) {
        List<String> s = words.get(w);
        for (int i = 0; i + 1 < s.size(); i++) {
          pairs.merge(s.get(i) + " " + s.get(i + 1), counts.get(w), Integer::sum);
        }
      }
      String best = null;
      int bestCount = 1;
      for (Map.Entry<String, Integer> e : pairs.entrySet()) {
        if (e.getValue() > bestCount
            || (e.getValue() == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
          best = e.getKey();
          bestCount = e.getValue();
        }
      }
      if (best == null) {
        break; // nothing left that occurs twice
      }
      int space = best.indexOf(' ');
      String left = best.substring(0, space);
      String right = best.substring(space + 1);
      String merged = left + right;
      mergeList.add(best);
      vocab.putIfAbsent(merged, vocab.size());
      for (List<String> s : words) {
        for (int i = 0; i + 1 < s.size(); i++) {
          if (s.get(i).equals(left) && s.get(i + 1).equals(right)) {
            s.set(i, merged);
            s.remove(i + 1);
          }
        }
      }
    }
    return toJson(vocab, mergeList, specialTokens);
  }

  private static String toJson(
      Map<String, Integer> vocab, List<String> merges, List<String> specialTokens) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    int id = vocab.size();
    for (String token : specialTokens) {
      added
          .addObject()
          .put("id", id++)
          .put("content", token)
          .put("single_word", false)
          .put("lstrip", false)
          .put("rstrip", false)
          .put("normalized", false)
          .put("special", true);
    }
    root.putNull("normalizer");
    root.putObject("pre_tokenizer")
        .put("type", "ByteLevel")
        .put("add_prefix_space", false)
        .put("trim_offsets", true)
        .put("use_regex", true);
    root.putNull("post_processor");
    root.putObject("decoder")
        .put("type", "ByteLevel")
        .put("add_prefix_space", true)
        .put("trim_offsets", true)
        .put("use_regex", true);
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode v = model.putObject("vocab");
    vocab.forEach(v::put);
    ArrayNode m = model.putArray("merges");
    merges.forEach(m::add);
    return JSON.writeValueAsString(root);
  }
}
