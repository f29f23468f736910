# What `cmake --install` puts where, and the Debian package (CPack DEB).
# scripts/package.sh configures a build with CMAKE_INSTALL_PREFIX=/usr and
# runs cpack; the same rules serve a plain `cmake --install` under
# /usr/local (units, sysusers and tmpfiles snippets land where systemd also
# looks: /usr/local/lib/systemd/system, /usr/local/lib/sysusers.d, ...).
include(GNUInstallDirs)

set(FTA_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
set(FTA_CONFIG_FILE ${CMAKE_INSTALL_FULL_SYSCONFDIR}/fta-hostd/config.toml)
set(FTA_DEPLOY_OUT ${PROJECT_BINARY_DIR}/deploy)

# systemd units, with the installed paths baked in.
foreach(unit fta-hostd.service fta-agent.service)
  configure_file(${PROJECT_SOURCE_DIR}/deploy/systemd/${unit}.in ${FTA_DEPLOY_OUT}/systemd/${unit} @ONLY)
  install(FILES ${FTA_DEPLOY_OUT}/systemd/${unit} DESTINATION lib/systemd/system)
endforeach()
# The fta-admin group (owns the control socket) and the fta user (process
# agents), the state and runtime directories.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/fta-host.sysusers DESTINATION lib/sysusers.d RENAME fta-host.conf)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/fta-host.tmpfiles DESTINATION lib/tmpfiles.d RENAME fta-host.conf)
# The configuration: every key with its default (a conffile in the package).
# CMAKE_INSTALL_FULL_SYSCONFDIR is /etc (not /usr/etc) for the /usr prefix.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/config/config.toml DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/fta-hostd)
# bash completion for ftactl.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/completion/ftactl.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME ftactl)

# Manual pages, gzip -9n at build time (what Debian installs).
find_program(FTA_GZIP gzip REQUIRED)
set(FTA_MAN_OUTPUTS)
foreach(page ftactl.1 fta-hostd.8 fta-agent.8 fta-mpi-relay.8)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  set(out ${FTA_DEPLOY_OUT}/man/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FTA_DEPLOY_OUT}/man
    COMMAND ${FTA_GZIP} -9nc ${PROJECT_SOURCE_DIR}/deploy/man/${page} > ${out}
    DEPENDS ${PROJECT_SOURCE_DIR}/deploy/man/${page} VERBATIM)
  list(APPEND FTA_MAN_OUTPUTS ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(fta_man ALL DEPENDS ${FTA_MAN_OUTPUTS})

# Slurm glue (deploy/slurm): prolog, epilog and step helper, with the path
# ftactl is installed at baked in as their default (no PATH in a prolog).
set(FTA_SLURM_LIBEXECDIR ${CMAKE_INSTALL_FULL_LIBEXECDIR}/fta-host/slurm)
configure_file(deploy/slurm/fta-slurm-lib.sh ${FTA_DEPLOY_OUT}/slurm/fta-slurm-lib.sh @ONLY)
configure_file(deploy/slurm/fta-poster.sbatch ${FTA_DEPLOY_OUT}/slurm/fta-poster.sbatch @ONLY)
foreach(script fta-slurm-prolog fta-slurm-epilog fta-slurm-run)
  configure_file(deploy/slurm/${script} ${FTA_DEPLOY_OUT}/slurm/${script} COPYONLY)
endforeach()
install(PROGRAMS ${FTA_DEPLOY_OUT}/slurm/fta-slurm-prolog ${FTA_DEPLOY_OUT}/slurm/fta-slurm-epilog
                 ${FTA_DEPLOY_OUT}/slurm/fta-slurm-run ${FTA_DEPLOY_OUT}/slurm/fta-poster.sbatch
        DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/fta-host/slurm)
install(FILES ${FTA_DEPLOY_OUT}/slurm/fta-slurm-lib.sh deploy/slurm/slurm.conf.fragment
              deploy/slurm/gres.conf.fragment deploy/slurm/slurm-nodes.example deploy/slurm/fta-slurm.conf.example
        DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/fta-host/slurm)

# Debian's copyright and changelog files (the changelog gzip -9n; a native
# package's is changelog.gz).
set(FTA_DEBIAN_OUT ${FTA_DEPLOY_OUT}/debian)
add_custom_command(OUTPUT ${FTA_DEBIAN_OUT}/changelog.gz
  COMMAND ${CMAKE_COMMAND} -E make_directory ${FTA_DEBIAN_OUT}
  COMMAND ${FTA_GZIP} -9nc ${PROJECT_SOURCE_DIR}/deploy/debian/changelog > ${FTA_DEBIAN_OUT}/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/deploy/debian/changelog VERBATIM)
add_custom_target(fta_debian_changelog ALL DEPENDS ${FTA_DEBIAN_OUT}/changelog.gz)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/debian/copyright ${FTA_DEBIAN_OUT}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The package. Depends come from dpkg-shlibdeps over the three binaries.
set(FTA_PACKAGE_MAINTAINER "fta-host maintainers <fta-host@example.org>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fta-host)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${FTA_PACKAGE_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "many small Lustre file transfer agents on one InfiniBand host")
# The synopsis is the summary above; this is the extended description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "fta-hostd splits a host's InfiniBand card with SR-IOV and runs many small\n\
file transfer agents (FTAs) on it: KVM guests, libvirt-lxc containers or\n\
plain processes, each with a virtual function of its own. It runs\n\
synchronised IOR jobs and sweeps over them and serves a gRPC control API.\n\
ftactl is the operator's command-line client; fta-agent runs in every FTA.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/fta-host")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser: the postinst's fallback where systemd-sysusers is missing.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# qemu-img and genisoimage: guests' overlays and NoCloud seeds; iproute2:
# container netns; libvirt daemons only where guests or containers run.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qemu-utils, genisoimage, iproute2")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libvirt-daemon-system, libvirt-daemon-driver-lxc, slurm-client")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
