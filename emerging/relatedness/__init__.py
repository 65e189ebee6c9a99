"""relatedness"""
