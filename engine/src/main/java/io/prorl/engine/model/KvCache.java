package io.prorl.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for a batch, preallocated to a maximum length and written in
 * place, so a decode step attends over the cached positions without recomputing them.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final Layer[] layers;
  private final int capacity;
  private int length;

  public KvCache(ModelConfig config, int batch, int capacity, NDManager parent) {
    this.manager = parent.newSubManager();
    this.capacity = capacity;
    this.layers = new Layer[config.numLayers()];
    Shape shape = new Shape(batch, config.numKvHeads(), capacity, config.headDim());
    for (int i = 0; i < layers.length; i++) {
      NDArray keys = manager.zeros(shape, DataType.FLOAT32);
      NDArray values = manager.zeros(shape, DataType.FLOAT32);
      NDScope.unregister(keys, values); // freed with the cache, not with a caller's scope
      layers[i] = new Layer(keys, values);
    }
  }

  /** Positions already cached. */
  public int length() {
    return length;
  }

  public int capacity() {
    return capacity;
  }

  Layer layer(int i) {
    return layers[i];
  }

  /** Marks {@code t} new positions as cached, once every layer has appended them. */
  void advance(int t) {
    length += t;
  }

  @Override
  public void close() {
    manager.close();
  }

  /** One layer's keys and values, [B, kvHeads, capacity, headDim]. */
  final class Layer {
    private final NDArray keys;
    private final NDArray values;

    Layer(NDArray keys, NDArray values) {
      this.keys = keys;
      this.values = values;
    }

    /** Writes k, v [B, kvHeads, t, headDim] after the cached positions; returns all so far. */
    NDArray[] append(NDArray k, NDArray v) {
      int t = (int) k.getShape().get(2);
      if (length + t > capacity) {
        throw new IllegalStateException(
            "KV cache full: " + length + " + " + t + " positions exceed its capacity " + capacity);
      }
      NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
      keys.set(slot, k);
      values.set(slot, v);
      NDIndex upTo = new NDIndex(":, :, :{}", length + t);
      return new NDArray[] {keys.get(upTo), values.get(upTo)};
    }
  }
}
