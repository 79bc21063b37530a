# The simulator core (ports/sim): virtual pins, clock, interrupt latch, scenarios, the record and
# its VCD/SVG. ISO C only; shared by the host board (ports/posix) and the web board (ports/web).
set(HF_SIM_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/../ports/sim/pins.c
  ${CMAKE_CURRENT_LIST_DIR}/../ports/sim/scenario.c
  ${CMAKE_CURRENT_LIST_DIR}/../ports/sim/sim.c
  ${CMAKE_CURRENT_LIST_DIR}/../ports/sim/svg.c
  ${CMAKE_CURRENT_LIST_DIR}/../ports/sim/vcd.c)
