# handoff's libraries for the Pico SDK, defined the SDK's way: INTERFACE libraries whose sources
# compile into each program that links them, with that program's flags. pico_sdk_init() includes
# this file (handoff_import.cmake puts it in PICO_SDK_POST_LIST_FILES) once the SDK's own
# libraries exist.
#   handoff_pico         the core and this port; on the W boards the LED through the CYW43
#                        (pico_cyw43_arch_none: the chip started, no network)
#   handoff_pico_notify  W boards only: the same with notifications over Wi-Fi (notify.h, lwIP in
#                        the SDK's background context); the program defines WIFI_SSID,
#                        WIFI_PASSWORD, NOTIFY_URL, NOTIFY_DEVICE, NOTIFY_TOKEN (strings) and
#                        NOTIFY_HA_DISCOVERY (0 or 1)
#   handoff_pico_notify_tls(TARGET CA_FILE)
#                        for https:// and mqtts:// URLs: altcp_tls over the SDK's mbedTLS
#                        (mbedtls_config.h here), the CA of CA_FILE (PEM) embedded in TARGET
if(TARGET handoff_pico_base)
  return()
endif()
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/sources.cmake)
set(_hf_port ${CMAKE_CURRENT_LIST_DIR})

add_library(handoff_pico_base INTERFACE)
target_sources(handoff_pico_base INTERFACE ${HF_CORE_SOURCES} ${_hf_port}/port_pico.c
               ${_hf_port}/line_ring.c)
target_include_directories(handoff_pico_base INTERFACE ${_hf_port}/../../include ${_hf_port})
# Precondition reports name handoff's files from the top of its tree (src/loop.c), not from
# where it sits on the machine that built the image.
get_filename_component(_hf_root ${_hf_port}/../.. ABSOLUTE)
target_compile_options(handoff_pico_base INTERFACE -fmacro-prefix-map=${_hf_root}/=)
target_link_libraries(handoff_pico_base INTERFACE pico_stdlib hardware_gpio hardware_irq
                      hardware_sync hardware_timer)

add_library(handoff_pico INTERFACE)
target_link_libraries(handoff_pico INTERFACE handoff_pico_base)
target_compile_definitions(handoff_pico INTERFACE HF_CFG_NOTIFY=0)
if(PICO_CYW43_SUPPORTED)
  target_link_libraries(handoff_pico INTERFACE pico_cyw43_arch_none)

  add_library(handoff_pico_notify INTERFACE)
  target_sources(handoff_pico_notify INTERFACE ${_hf_port}/net_lwip.c)
  target_link_libraries(handoff_pico_notify INTERFACE handoff_pico_base
                        pico_cyw43_arch_lwip_threadsafe_background pico_rand)
  target_compile_definitions(handoff_pico_notify INTERFACE HF_PICO_WIFI=1 HF_CFG_NOTIFY=1)
endif()

# TLS for a program linked with handoff_pico_notify: the CA embedded as HF_PICO_CA_PEM.
function(handoff_pico_notify_tls target ca_file)
  if(NOT ca_file OR NOT EXISTS "${ca_file}")
    message(FATAL_ERROR "${target}: https:// and mqtts:// need the CA that signed the server's certificate: give -DNOTIFY_CA_FILE=ca.pem")
  endif()
  file(READ "${ca_file}" pem)
  if(NOT pem MATCHES "-----BEGIN CERTIFICATE-----")
    message(FATAL_ERROR "NOTIFY_CA_FILE ${ca_file}: no PEM certificate in it")
  endif()
  string(REPLACE "\r" "" pem "${pem}")
  string(STRIP "${pem}" pem)
  string(REPLACE "\n" "\\n\" \\\n    \"" pem "${pem}")
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/${target}_ca)
  file(WRITE ${dir}/notify_ca.h "/* Generated from ${ca_file} (NOTIFY_CA_FILE). */\n"
       "#define HF_PICO_CA_PEM \\\n    \"${pem}\\n\"\n")
  target_include_directories(${target} PRIVATE ${dir})
  target_compile_definitions(${target} PRIVATE HF_PICO_TLS=1)
  target_link_libraries(${target} PRIVATE pico_lwip_mbedtls pico_mbedtls)
endfunction()
