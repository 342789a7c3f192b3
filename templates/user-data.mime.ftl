Content-Type: multipart/mixed; boundary="${boundary}"
MIME-Version: 1.0

--${boundary}
Content-Type: text/cloud-config; charset="utf-8"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Disposition: attachment; filename="pacha.cfg"

${cloudConfig}
--${boundary}
Content-Type: text/x-shellscript-per-instance; charset="utf-8"
MIME-Version: 1.0
Content-Transfer-Encoding: 7bit
Content-Disposition: attachment; filename="pacha-firstboot.sh"

${startScript}
--${boundary}--
