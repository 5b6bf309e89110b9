package com.example.layout.container;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat that deploys each {@code /path=app.war} argument as its own web application
 * (its own child-first loader), on a free port. Prints {@code = ready <pid> <port>} once started
 * and stops at {@code quit} on standard input.
 */
public final class Container {
  private Container() {}

  public static void main(String[] args) throws Exception {
    Path base = Files.createTempDirectory("depcache-tomcat-");
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(0);
    Path apps = Files.createDirectories(base.resolve("webapps"));
    tomcat.getHost().setAppBase(apps.toString());
    // no JSP engine here: skip the default web.xml that would declare Jasper's servlet
    tomcat.setAddDefaultWebXmlToWebapp(false);
    for (String arg : args) {
      int eq = arg.indexOf('=');
      tomcat.addWebapp(arg.substring(0, eq), new File(arg.substring(eq + 1)).getAbsolutePath());
    }
    tomcat.getConnector();
    tomcat.start();
    System.out.println(
        "= ready " + ProcessHandle.current().pid() + " " + tomcat.getConnector().getLocalPort());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("quit")) {
      System.out.println("= unknown command " + line);
      System.out.flush();
    }
    stop(tomcat);
  }

  private static void stop(Tomcat tomcat) throws LifecycleException {
    tomcat.stop();
    tomcat.destroy();
  }
}
