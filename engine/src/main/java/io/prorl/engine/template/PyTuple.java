package io.prorl.engine.template;

import java.util.AbstractList;
import java.util.List;

/** A Python tuple: an immutable list that prints with parentheses and never equals a list. */
final class PyTuple extends AbstractList<Object> {
  private final List<Object> items;

  PyTuple(List<Object> items) {
    this.items = items;
  }

  @Override
  public Object get(int index) {
    return items.get(index);
  }

  @Override
  public int size() {
    return items.size();
  }
}
