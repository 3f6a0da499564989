# Fails when docs/devices.md differs from `spinspice --describe all`.
execute_process(COMMAND ${SPINSPICE} --describe all OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "spinspice --describe all failed (${rc})")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/devices.md is out of date: run scripts/gen-device-docs.sh")
endif()
