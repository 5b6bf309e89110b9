package io.depcache.agent.runtime;

import java.util.ArrayDeque;

/**
 * The frames of the cached calls that each thread is computing, innermost on top. A thread that
 * never computed one has no stack: executors ask {@link #current} for every task they are given.
 */
final class Frames {
  private final ThreadLocal<ArrayDeque<Frame>> stacks = new ThreadLocal<>();

  /** The innermost cached call of this thread, or {@code null} outside any. */
  Frame current() {
    ArrayDeque<Frame> stack = stacks.get();
    return stack == null ? null : stack.peek();
  }

  void push(Frame frame) {
    ArrayDeque<Frame> stack = stacks.get();
    if (stack == null) {
      stack = new ArrayDeque<>();
      stacks.set(stack);
    }
    stack.push(frame);
  }

  /**
   * Makes {@code frame} current on this thread, above what is there: a task carried here from the
   * thread of its call, or a subscription to what the call returned.
   */
  void carry(Frame frame) {
    push(frame);
  }

  /**
   * Takes {@code frame} off this thread's stack without ending it: a carried frame whose task is
   * done, or an asynchronous call whose computation goes on after its method returned.
   */
  void drop(Frame frame) {
    ArrayDeque<Frame> stack = stacks.get();
    while (stack != null && !stack.isEmpty()) {
      if (stack.pop() == frame) {
        return;
      }
    }
  }

  /**
   * Makes {@code context} (or no cached call) this thread's only current call, until {@link
   * #restore}: what the caller of an asynchronous call chained to its result runs, or submits, when
   * the result completes belongs to the call that made it, not to whatever the completing thread
   * was doing.
   *
   * @return what to restore
   */
  Object only(Frame context) {
    ArrayDeque<Frame> saved = stacks.get();
    ArrayDeque<Frame> only = new ArrayDeque<>(4);
    if (context != null) {
      only.push(context);
    }
    stacks.set(only);
    return saved;
  }

  /** Puts back what {@link #only} replaced. */
  @SuppressWarnings("unchecked")
  void restore(Object saved) {
    if (saved == null) {
      stacks.remove();
    } else {
      stacks.set((ArrayDeque<Frame>) saved);
    }
  }

  /**
   * Ends {@code frame}: takes it off this thread's stack and hands what it collected to the frame
   * below it, which is then on top.
   */
  void end(Frame frame) {
    drop(frame);
    // Exit advice always runs, so the frame was on top; dropping down to it only guards against a
    // frame left behind by code that escaped our advice (e.g. a class retransformed mid-call).
    Frame parent = current();
    if (parent != null) {
      parent.consume(frame);
    }
  }
}
