package com.example.layout.web;

import com.example.layout.Commands;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /cmd?line=...}: one command of the shared protocol, answered as plain text. */
public class CommandServlet extends HttpServlet {
  private final Commands commands = new Commands();

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("text/plain;charset=UTF-8");
    response.getWriter().print(commands.run(request.getParameter("line")));
  }
}
