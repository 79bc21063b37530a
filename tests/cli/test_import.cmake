# handoff_import.cmake (ports/pico-sdk/template) without a Pico SDK: where it finds handoff, and
# its one-line errors. Run as: cmake -DREPO=<handoff> -DWORK=<scratch folder> -P test_import.cmake
set(import ${REPO}/ports/pico-sdk/template/handoff_import.cmake)
set(want_list "${REPO}/ports/pico-sdk/handoff_pico.cmake")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/sdk)

# Runs the import in a fresh cmake with `args` and the environment `env` (NAME=VALUE...);
# checks that it fails with `want_error` in its output, or, if that is empty, that it succeeds
# and hands handoff_pico.cmake from `want_path` to pico_sdk_init().
function(check name want_error want_path)
  cmake_parse_arguments(A "" "" "ARGS;ENV" ${ARGN})
  file(WRITE ${WORK}/probe.cmake "include(${import})\n"
       "message(STATUS \"PATH=\${HANDOFF_PATH} POST=\${PICO_SDK_POST_LIST_FILES}\")\n")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=PICO_SDK_PATH --unset=HANDOFF_PATH
                          --unset=HANDOFF_FETCH_FROM_GIT ${A_ENV}
                          ${CMAKE_COMMAND} ${A_ARGS} -P ${WORK}/probe.cmake
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  string(REPLACE "\n" " " flat "${out}")
  string(REGEX REPLACE " +" " " flat "${flat}")
  if(want_error)
    if(rc EQUAL 0 OR NOT flat MATCHES "${want_error}")
      message(FATAL_ERROR "${name}: expected a failure saying '${want_error}', got (${rc}): ${out}")
    endif()
  else()
    get_filename_component(real "${want_path}" REALPATH)
    if(NOT rc EQUAL 0 OR NOT flat MATCHES "PATH=${real} POST=${real}/ports/pico-sdk/handoff_pico.cmake")
      message(FATAL_ERROR "${name}: expected handoff at ${real}, got (${rc}): ${out}")
    endif()
  endif()
  message(STATUS "ok: ${name}")
endfunction()

check("HANDOFF_PATH variable" "" ${REPO} ARGS -DHANDOFF_PATH=${REPO})
check("HANDOFF_PATH environment" "" ${REPO} ENV HANDOFF_PATH=${REPO})
file(CREATE_LINK ${REPO} ${WORK}/handoff SYMBOLIC)
check("next to the SDK" "" ${REPO} ENV PICO_SDK_PATH=${WORK}/sdk)
check("not handoff" "HANDOFF_PATH=${WORK}/sdk is not handoff" "" ARGS -DHANDOFF_PATH=${WORK}/sdk)
file(REMOVE ${WORK}/handoff)
check("nowhere" "handoff not found: set HANDOFF_PATH" "" ENV PICO_SDK_PATH=${WORK}/sdk)
check("git without a URL" "HANDOFF_FETCH_FROM_GIT_URL is empty" "" ARGS -DHANDOFF_FETCH_FROM_GIT=ON)
