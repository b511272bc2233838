list(APPEND AHTTP_SOURCES
  websocket/connection.cpp
  websocket/deflate.cpp
  websocket/engine.cpp
  websocket/frame.cpp
  websocket/handshake.cpp
  websocket/message_reader.cpp
  websocket/notifier.cpp
  websocket/utf8.cpp
)
