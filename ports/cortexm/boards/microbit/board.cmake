# A QEMU test board: RAM pins, SysTick time, semihosting output and exit.
set(HF_BOARD_SOURCES ${CMAKE_CURRENT_LIST_DIR}/board.c ${HF_CM_DIR}/mempins.c ${HF_CM_DIR}/systick.c ${HF_CM_DIR}/recip.c
    ${HF_CM_DIR}/semihost.c)
set(HF_BOARD_LINK ${CMAKE_CURRENT_LIST_DIR}/link.ld)
set(HF_BOARD_QEMU ON)
