package io.depcache.agent.runtime;

import java.util.ArrayDeque;

/** The frames of the cached calls that each thread is computing, innermost on top. */
final class Frames {
  private final ThreadLocal<ArrayDeque<Frame>> stacks = ThreadLocal.withInitial(ArrayDeque::new);

  /** The innermost cached call of this thread, or {@code null} outside any. */
  Frame current() {
    return stacks.get().peek();
  }

  void push(Frame frame) {
    stacks.get().push(frame);
  }

  /**
   * Ends {@code frame}: takes it off this thread's stack and hands what it collected to the frame
   * below it, which is then on top.
   */
  void end(Frame frame) {
    ArrayDeque<Frame> stack = stacks.get();
    // Exit advice always runs, so the frame is on top; the loop only guards against a frame
    // left behind by code that escaped our advice (e.g. a class retransformed mid-call).
    while (!stack.isEmpty()) {
      if (stack.pop() == frame) {
        break;
      }
    }
    Frame parent = stack.peek();
    if (parent != null) {
      parent.consume(frame);
    }
  }
}
