<#-- pacha demo: the seed's 13-line config for host bar, pointing at the demo's embedded master -->
[DEFAULT]

###################################
# Pacha Server Configuration
###################################

pacha.frequency = 12

# Pacha master server
pacha.host = 127.0.0.1

pacha.ssh.user = bar

pacha.hosts.path = /

# For the demo: the master's port, bar's key and name, a private state dir, and the SSH client
# built into pacha (no ssh program needed)
pacha.ssh.port = ${port}
pacha.ssh.identity = ${key}
pacha.ssh.known_hosts = ${knownHosts}
pacha.hostname = bar
pacha.state.dir = ${stateDir}
pacha.ssh.client = builtin
