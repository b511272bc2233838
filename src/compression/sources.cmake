# SPDX-License-Identifier: BSL-1.0
# Content codings (private): gzip/deflate over zlib, br over libbrotli; Accept-Encoding.
list(APPEND AHTTP_SOURCES
  compression/accept_encoding.cpp
  compression/coding.cpp
  compression/decoder.cpp
  compression/encoder.cpp
)
