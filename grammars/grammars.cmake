# Fetch the pinned tree-sitter runtime and grammars from the npm registry
# (grammars/package.json + package-lock.json, integrity-checked by `npm ci`)
# into the build tree, and compile their C sources as static libraries.
# Nothing fetched is ever written to the source tree.

set(GRAMMARS_DIR ${CMAKE_BINARY_DIR}/grammars)
set(GRAMMARS_STAMP ${GRAMMARS_DIR}/node_modules/.logitlint-lock)
file(READ ${CMAKE_SOURCE_DIR}/grammars/package-lock.json GRAMMARS_LOCK)
string(SHA256 GRAMMARS_LOCK_HASH "${GRAMMARS_LOCK}")

set(GRAMMARS_HAVE "")
if(EXISTS ${GRAMMARS_STAMP})
  file(READ ${GRAMMARS_STAMP} GRAMMARS_HAVE)
endif()

if(NOT GRAMMARS_HAVE STREQUAL GRAMMARS_LOCK_HASH)
  find_program(NPM npm)
  if(NOT NPM)
    message(FATAL_ERROR "npm is needed to fetch the pinned tree-sitter sources "
                        "(Debian: apt-get install nodejs npm)")
  endif()
  file(MAKE_DIRECTORY ${GRAMMARS_DIR})
  foreach(f package.json package-lock.json .npmrc)
    configure_file(${CMAKE_SOURCE_DIR}/grammars/${f} ${GRAMMARS_DIR}/${f} COPYONLY)
  endforeach()
  message(STATUS "Fetching pinned tree-sitter sources with npm ci")
  execute_process(
    COMMAND ${NPM} ci --ignore-scripts --no-audit --no-fund --loglevel=error
    WORKING_DIRECTORY ${GRAMMARS_DIR}
    RESULT_VARIABLE npm_result)
  if(NOT npm_result EQUAL 0)
    message(FATAL_ERROR "npm ci failed in ${GRAMMARS_DIR} (exit ${npm_result})")
  endif()
  file(WRITE ${GRAMMARS_STAMP} "${GRAMMARS_LOCK_HASH}")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/grammars/package-lock.json)

set(TS_RUNTIME ${GRAMMARS_DIR}/node_modules/tree-sitter/vendor/tree-sitter/lib)
set(TS_PYTHON ${GRAMMARS_DIR}/node_modules/tree-sitter-python/src)
set(TS_TOML ${GRAMMARS_DIR}/node_modules/@tree-sitter-grammars/tree-sitter-toml/src)

# Third-party code: compiled without our warning flags, warnings silenced.
add_library(tree_sitter_runtime STATIC ${TS_RUNTIME}/src/lib.c)
target_include_directories(tree_sitter_runtime SYSTEM PUBLIC ${TS_RUNTIME}/include
                           PRIVATE ${TS_RUNTIME}/src)
target_compile_options(tree_sitter_runtime PRIVATE -w)
target_compile_definitions(tree_sitter_runtime PRIVATE _POSIX_C_SOURCE=200112L _DEFAULT_SOURCE)

add_library(tree_sitter_python STATIC ${TS_PYTHON}/parser.c ${TS_PYTHON}/scanner.c)
target_include_directories(tree_sitter_python PRIVATE ${TS_PYTHON})
target_compile_options(tree_sitter_python PRIVATE -w)

add_library(tree_sitter_toml STATIC ${TS_TOML}/parser.c ${TS_TOML}/scanner.c)
target_include_directories(tree_sitter_toml PRIVATE ${TS_TOML})
target_compile_options(tree_sitter_toml PRIVATE -w)
