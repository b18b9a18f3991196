package io.prorl.tasks.instruction;

import java.util.List;

/** Topics for instruction prompts, each with lowercase words a response about it can use. */
final class Topics {
  private Topics() {}

  record Topic(String name, List<String> words) {}

  static final List<Topic> ALL =
      List.of(
          new Topic(
              "gardening",
              List.of(
                  "soil", "seeds", "water", "sunlight", "roots", "compost", "weeds", "harvest")),
          new Topic(
              "the ocean",
              List.of("waves", "salt", "tides", "coral", "fish", "currents", "depth", "shore")),
          new Topic(
              "bicycles",
              List.of("wheels", "pedals", "chain", "brakes", "gears", "saddle", "road", "speed")),
          new Topic(
              "coffee",
              List.of("beans", "roast", "aroma", "cup", "grind", "water", "morning", "flavor")),
          new Topic(
              "libraries",
              List.of(
                  "books", "shelves", "quiet", "readers", "catalog", "study", "pages", "loans")),
          new Topic(
              "volcanoes",
              List.of("lava", "magma", "ash", "crater", "eruption", "rock", "heat", "island")),
          new Topic(
              "chess",
              List.of(
                  "board", "king", "pawns", "knight", "strategy", "opening", "endgame", "move")),
          new Topic(
              "rain",
              List.of("clouds", "drops", "puddles", "storm", "umbrella", "thunder", "wet", "sky")),
          new Topic(
              "bread",
              List.of("flour", "yeast", "dough", "oven", "crust", "salt", "loaf", "bakery")),
          new Topic(
              "trains",
              List.of(
                  "rails",
                  "station",
                  "engine",
                  "tickets",
                  "platform",
                  "carriage",
                  "journey",
                  "track")),
          new Topic(
              "bees",
              List.of("honey", "hive", "flowers", "pollen", "queen", "wax", "swarm", "nectar")),
          new Topic(
              "mountains",
              List.of("peaks", "snow", "trails", "valleys", "climb", "summit", "air", "rocks")));
}
