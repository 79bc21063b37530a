# The web board (ports/web): every example built with emscripten for the lesson's page, into
# BUILD/web/ (target "web", part of "all"): NAME.js + NAME.wasm for each example, the page
# (index.html, handoff.js, style.css) and examples.js (names, titles, scenarios). Serve that folder
# with any static server: python3 -m http.server -d BUILD/web. The emcc of Debian's emscripten
# package (3.1.6) is used as a tool, not as the project's compiler.
find_program(HF_EMCC emcc)
set(HF_WEB_OUT ${CMAKE_BINARY_DIR}/web)
if(NOT HF_EMCC)
  message(WARNING "The web board needs emcc: run tools/bootstrap (installs emscripten); the web "
                  "tests will fail until then")
  return()
endif()

set(HF_WEB_FLAGS -Os -std=c11 -Wall -Wextra -Werror -fmacro-prefix-map=${CMAKE_SOURCE_DIR}/=
  -I${CMAKE_SOURCE_DIR}/include -I${CMAKE_SOURCE_DIR}/ports/sim/include
  -I${CMAKE_SOURCE_DIR}/ports/sim -I${CMAKE_SOURCE_DIR}/src
  --js-library ${CMAKE_SOURCE_DIR}/ports/web/library_handoff.js
  -sASYNCIFY "-sASYNCIFY_IMPORTS=[\"hf_web_wait\",\"hf_web_halt\"]"
  -sMODULARIZE=1 -sENVIRONMENT=web -sALLOW_MEMORY_GROWTH=1
  "-sEXPORTED_FUNCTIONS=[\"_main\",\"_web_vcd\",\"_web_svg\",\"_web_label\",\"_malloc\",\"_free\"]"
  "-sEXPORTED_RUNTIME_METHODS=[\"UTF8ToString\",\"stringToUTF8\"]")
set(HF_WEB_SOURCES ${HF_CORE_SOURCES} ${HF_SIM_SOURCES} ${CMAKE_SOURCE_DIR}/ports/web/port_web.c)

set(web_outputs)
get_property(examples GLOBAL PROPERTY HF_EXAMPLES)
foreach(entry IN LISTS examples)
  string(REPLACE ":" ";" pair "${entry}")
  list(GET pair 0 dir)
  list(GET pair 1 name)
  string(REPLACE "-" "_" cname "${name}")
  file(GLOB srcs ${CMAKE_SOURCE_DIR}/examples/${dir}/*.c)
  add_custom_command(
    OUTPUT ${HF_WEB_OUT}/${name}.js ${HF_WEB_OUT}/${name}.wasm
    COMMAND ${CMAKE_COMMAND} -E make_directory ${HF_WEB_OUT}
    COMMAND ${CMAKE_COMMAND} -E env NODE_PATH=/usr/share/nodejs
            ${HF_EMCC} ${HF_WEB_FLAGS} -sEXPORT_NAME=handoff_${cname} ${HF_WEB_SOURCES} ${srcs}
            -o ${HF_WEB_OUT}/${name}.js
    DEPENDS ${HF_WEB_SOURCES} ${srcs} ${CMAKE_SOURCE_DIR}/ports/web/library_handoff.js
    COMMENT "emcc: ${name} for the web board" VERBATIM)
  list(APPEND web_outputs ${HF_WEB_OUT}/${name}.js)
endforeach()

file(GLOB HF_WEB_PAGE ${CMAKE_SOURCE_DIR}/ports/web/page/*)
file(GLOB_RECURSE HF_WEB_SCENARIOS ${CMAKE_SOURCE_DIR}/examples/*/scenarios/*.scn
     ${CMAKE_SOURCE_DIR}/examples/*/main.c)
add_custom_command(
  OUTPUT ${HF_WEB_OUT}/examples.js ${HF_WEB_OUT}/index.html
  COMMAND ${CMAKE_COMMAND} -E make_directory ${HF_WEB_OUT}
  COMMAND ${CMAKE_COMMAND} -E copy ${HF_WEB_PAGE} ${HF_WEB_OUT}
  COMMAND python3 ${CMAKE_SOURCE_DIR}/ports/web/manifest.py ${CMAKE_SOURCE_DIR}/examples
          ${HF_WEB_OUT}/examples.js
  DEPENDS ${HF_WEB_PAGE} ${HF_WEB_SCENARIOS} ${CMAKE_SOURCE_DIR}/ports/web/manifest.py
  COMMENT "the lesson's page" VERBATIM)
add_custom_target(web ALL DEPENDS ${web_outputs} ${HF_WEB_OUT}/examples.js)
