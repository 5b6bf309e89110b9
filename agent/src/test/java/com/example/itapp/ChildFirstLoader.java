package com.example.itapp;

import java.net.URL;
import java.net.URLClassLoader;

/** A web-container style loader: its own jars first, the parent only for what they lack. */
final class ChildFirstLoader extends URLClassLoader {
  ChildFirstLoader(URL[] urls, ClassLoader parent) {
    super(urls, parent);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> type = findLoadedClass(name);
      if (type == null && !name.startsWith("java.")) {
        try {
          type = findClass(name);
        } catch (ClassNotFoundException e) {
          // not bundled: ask the parent
        }
      }
      if (type == null) {
        type = super.loadClass(name, false);
      }
      if (resolve) {
        resolveClass(type);
      }
      return type;
    }
  }
}
