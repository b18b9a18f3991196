package io.prorl.tasks.stemmcq;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Question templates from physics formulas and unit conversions. Each draws its inputs and gives
 * the correct value and the values of typical mistakes (wrong unit factor, formula inverted, a
 * factor forgotten), which become the distractors.
 */
final class Formulas {
  private Formulas() {}

  /**
   * @param question the question text
   * @param unit the unit of the answer
   * @param correct the correct value
   * @param mistakes values of typical mistakes
   * @param reasoning a one-line worked solution
   */
  record Question(
      String question, String unit, double correct, List<Double> mistakes, String reasoning) {}

  static final int COUNT = 7;

  static Question draw(int template, SplittableRandom rng) {
    return switch (template) {
      case 0 -> {
        int km = rng.nextInt(5, 301);
        int min = rng.nextInt(10, 241);
        double v = km * 1000.0 / (min * 60.0);
        yield new Question(
            "A train covers " + km + " km in " + min + " minutes. What is its average speed?",
            "m/s",
            v,
            List.of(km * 60.0 / min, km * 1000.0 / min, v * 10, v / 3.6),
            "v = d / t = " + km + " * 1000 m / (" + min + " * 60 s) = " + sig(v) + " m/s");
      }
      case 1 -> {
        double volts = rng.nextInt(3, 49) / 2.0;
        int ohms = rng.nextInt(10, 2001);
        double ma = volts / ohms * 1000.0;
        yield new Question(
            "A resistor of "
                + ohms
                + " ohms is connected to a "
                + sig(volts)
                + " V source. What current flows?",
            "mA",
            ma,
            List.of(volts * ohms, ohms / volts, ma / 1000.0, ma * 10),
            "I = V / R = " + sig(volts) + " V / " + ohms + " ohm = " + sig(ma) + " mA");
      }
      case 2 -> {
        int grams = rng.nextInt(10, 2001);
        int cm3 = rng.nextInt(5, 1001);
        double density = grams * 1000.0 / cm3;
        yield new Question(
            "A block has a mass of "
                + grams
                + " g and a volume of "
                + cm3
                + " cm^3. What is its density?",
            "kg/m^3",
            density,
            List.of(grams / (double) cm3, cm3 * 1000.0 / grams, grams * cm3 / 1000.0, density / 10),
            "rho = m / V = " + grams + " g / " + cm3 + " cm^3 = " + sig(density) + " kg/m^3");
      }
      case 3 -> {
        int kg = rng.nextInt(1, 101);
        int speed = rng.nextInt(2, 41);
        double joules = 0.5 * kg * speed * speed;
        yield new Question(
            "What is the kinetic energy of a " + kg + " kg object moving at " + speed + " m/s?",
            "J",
            joules,
            List.of(2 * joules, 0.5 * kg * speed, (double) kg * speed, joules / 2),
            "E = m v^2 / 2 = " + kg + " * " + speed + "^2 / 2 = " + sig(joules) + " J");
      }
      case 4 -> {
        int kg = rng.nextInt(1, 101);
        int meters = rng.nextInt(1, 201);
        double joules = kg * 9.81 * meters;
        yield new Question(
            "How much potential energy does a "
                + kg
                + " kg mass gain when lifted "
                + meters
                + " m? Take g = 9.81 m/s^2.",
            "J",
            joules,
            List.of((double) kg * meters, joules / 2, kg * 9.81 / meters, joules * 10),
            "E = m g h = " + kg + " * 9.81 * " + meters + " = " + sig(joules) + " J");
      }
      case 5 -> {
        int f = rng.nextInt(-40, 451);
        double c = (f - 32) * 5.0 / 9.0;
        yield new Question(
            "Convert " + f + " degrees Fahrenheit to degrees Celsius.",
            "degrees C",
            c,
            List.of(f * 5.0 / 9.0 - 32, (f + 32) * 5.0 / 9.0, (f - 32) * 9.0 / 5.0, c + 273.15),
            "C = (F - 32) * 5 / 9 = (" + f + " - 32) * 5 / 9 = " + sig(c) + " degrees C");
      }
      default -> {
        double atm = rng.nextInt(1, 101) / 10.0;
        double kpa = atm * 101.325;
        yield new Question(
            "Express a pressure of " + sig(atm) + " atm in kilopascals.",
            "kPa",
            kpa,
            List.of(atm * 760, atm / 101.325, kpa / 1000, kpa * 10),
            "p = " + sig(atm) + " * 101.325 kPa = " + sig(kpa) + " kPa");
      }
    };
  }

  /** Three significant figures, plain notation: 0.00123, 12.3, 12300. */
  static String sig(double value) {
    if (value == 0) {
      return "0";
    }
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
