# handoff_import.cmake: brings handoff into a Pico SDK project, as pico_sdk_import.cmake brings
# the SDK. Copy it next to your CMakeLists.txt and include() it after pico_sdk_import.cmake,
# before project(); then link a program with one of handoff's libraries:
#
#   include(pico_sdk_import.cmake)
#   include(handoff_import.cmake)
#   project(app C CXX ASM)
#   pico_sdk_init()
#   add_executable(app main.c)
#   target_link_libraries(app pico_stdlib handoff_pico)
#
# Libraries (INTERFACE libraries, as the SDK's own: their sources compile into each program
# with that program's flags):
#   handoff_pico         the core and the Pico SDK port (on the W boards the LED is the CYW43's)
#   handoff_pico_notify  the same with notifications over Wi-Fi (notify.h), on the W boards
#                        only; the program defines WIFI_SSID, WIFI_PASSWORD, NOTIFY_URL and
#                        NOTIFY_DEVICE (strings). Link one of the two, not both.
#
# handoff is looked for, in this order:
#   1. HANDOFF_PATH: a CMake variable (-DHANDOFF_PATH=...) or the environment variable;
#   2. a folder `handoff` next to the Pico SDK (PICO_SDK_PATH/../handoff);
#   3. with HANDOFF_FETCH_FROM_GIT on (variable or environment): cloned with FetchContent from
#      HANDOFF_FETCH_FROM_GIT_URL at HANDOFF_FETCH_FROM_GIT_TAG (default: the default branch),
#      into HANDOFF_FETCH_FROM_GIT_PATH if set, else the build folder.
cmake_minimum_required(VERSION 3.13)

if(NOT HANDOFF_PATH AND DEFINED ENV{HANDOFF_PATH})
  set(HANDOFF_PATH "$ENV{HANDOFF_PATH}")
  message(STATUS "Using HANDOFF_PATH from the environment ('${HANDOFF_PATH}')")
endif()
foreach(var HANDOFF_FETCH_FROM_GIT HANDOFF_FETCH_FROM_GIT_URL HANDOFF_FETCH_FROM_GIT_TAG
            HANDOFF_FETCH_FROM_GIT_PATH)
  if(NOT DEFINED ${var} AND DEFINED ENV{${var}})
    set(${var} "$ENV{${var}}")
  endif()
endforeach()
set(HANDOFF_FETCH_FROM_GIT "${HANDOFF_FETCH_FROM_GIT}" CACHE BOOL
    "Fetch handoff with git when HANDOFF_PATH is not given")
set(HANDOFF_FETCH_FROM_GIT_URL "${HANDOFF_FETCH_FROM_GIT_URL}" CACHE STRING
    "The git repository of handoff to fetch")
set(HANDOFF_FETCH_FROM_GIT_TAG "${HANDOFF_FETCH_FROM_GIT_TAG}" CACHE STRING
    "The branch, tag or commit of handoff to fetch (empty: the default branch)")

if(NOT HANDOFF_PATH)
  # Next to the SDK as given (the environment's path may be a link) or as resolved.
  foreach(_hf_sdk IN ITEMS "$ENV{PICO_SDK_PATH}" "${PICO_SDK_PATH}")
    if(NOT HANDOFF_PATH AND _hf_sdk)
      get_filename_component(_hf_sibling "${_hf_sdk}/../handoff" ABSOLUTE) # ".." taken lexically
      if(EXISTS "${_hf_sibling}/ports/pico-sdk/handoff_pico.cmake")
        set(HANDOFF_PATH "${_hf_sibling}")
        message(STATUS "Using handoff next to the Pico SDK ('${HANDOFF_PATH}')")
      endif()
    endif()
  endforeach()
  if(HANDOFF_PATH)
  elseif(HANDOFF_FETCH_FROM_GIT)
    if(NOT HANDOFF_FETCH_FROM_GIT_URL)
      message(FATAL_ERROR "handoff_import.cmake: HANDOFF_FETCH_FROM_GIT is on but "
                          "HANDOFF_FETCH_FROM_GIT_URL is empty: give the repository to clone")
    endif()
    include(FetchContent)
    set(_hf_fetch GIT_REPOSITORY "${HANDOFF_FETCH_FROM_GIT_URL}" GIT_SHALLOW FALSE)
    if(HANDOFF_FETCH_FROM_GIT_TAG)
      list(APPEND _hf_fetch GIT_TAG "${HANDOFF_FETCH_FROM_GIT_TAG}")
    endif()
    if(HANDOFF_FETCH_FROM_GIT_PATH)
      get_filename_component(_hf_base "${HANDOFF_FETCH_FROM_GIT_PATH}" REALPATH
                             BASE_DIR "${CMAKE_SOURCE_DIR}")
      set(FETCHCONTENT_BASE_DIR "${_hf_base}")
    endif()
    FetchContent_Declare(handoff ${_hf_fetch})
    FetchContent_GetProperties(handoff)
    if(NOT handoff_POPULATED)
      message(STATUS "Fetching handoff from ${HANDOFF_FETCH_FROM_GIT_URL}")
      FetchContent_Populate(handoff)
    endif()
    set(HANDOFF_PATH "${handoff_SOURCE_DIR}")
  else()
    message(FATAL_ERROR "handoff_import.cmake: handoff not found: set HANDOFF_PATH (-DHANDOFF_PATH=... "
                        "or the environment), put it next to the Pico SDK, or turn "
                        "HANDOFF_FETCH_FROM_GIT on")
  endif()
endif()

get_filename_component(HANDOFF_PATH "${HANDOFF_PATH}" REALPATH BASE_DIR "${CMAKE_BINARY_DIR}")
if(NOT EXISTS "${HANDOFF_PATH}/ports/pico-sdk/handoff_pico.cmake")
  message(FATAL_ERROR "handoff_import.cmake: HANDOFF_PATH=${HANDOFF_PATH} is not handoff "
                      "(no ports/pico-sdk/handoff_pico.cmake)")
endif()
set(HANDOFF_PATH "${HANDOFF_PATH}" CACHE PATH "Path to handoff" FORCE)
# The libraries are defined by pico_sdk_init(), once the SDK's own exist.
list(APPEND PICO_SDK_POST_LIST_FILES "${HANDOFF_PATH}/ports/pico-sdk/handoff_pico.cmake")
